#!/usr/bin/env bash
# Fleet benchmark: a simulated operator (an ARS, a national SOC) watching
# ENTITIES establishments (default 1,000, in GHT dossiers of PER_GHT), each
# with an approved exposure perimeter of 16 loopback addresses, all audited
# by the scheduler and run by 1, 2 then 4 « vigie worker » processes against
# one PostgreSQL.
#
# Everything runs inside a network namespace of our own (vigie-fleet): the
# PostgreSQL cluster, the workers, the web server, the listeners and wrk.
# The perimeters are 127.20.0.0/28, 127.20.0.16/28… (the namespace's own
# loopback); the port list is explicit (PORTS, 12 ports, never 2024); in
# the namespace nftables drops a third of them (a firewall on the internet:
# the scanner waits for its timeout), answers « closed » on the others,
# except real listeners: an HTTP server (python3 http.server) on .1 of each
# perimeter and an SSH banner on .2. Nothing leaves the namespace.
#
# For each worker count W: a fresh database, the dossiers imported, the
# perimeters approved and the schedules written (psql), then W workers
# (--queues exposure=CONC each) started together; the elected leader
# enqueues every due audit; the run ends when every job is finished.
# Reported: audits per hour (jobs finished over the span from the first
# attempt to the last end), scaling from 1 worker, queue latency (first
# attempt − scheduled time: p50, p95, max), the jobs each worker ran, and
# the exactly-once checks (one job per schedule, one stored audit per
# entity, as many audits as completed jobs, none twice).
# Mixed figure: `vigie serve --workers 0` on the same database, wrk on a GHT
# dossier page (p50/p95/p99, bench/wrk-percentiles.lua) before the fleet
# starts and while the W=4 fleet writes its audits.
#
# Needs root (netns, nftables), PostgreSQL server binaries, python3, curl,
# wrk, jq. Env: ENTITIES (1000), PER_GHT (50), WORKERS ("1 2 4"), CONC (8),
# PORTS, DURATION (20s, wrk), CONNS (10, wrk), NICE (0: the workers' nice
# level, to approximate workers on other machines when everything shares
# this one), KEEP=1 keeps the namespace and the cluster for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000}
PER_GHT=${PER_GHT:-50}
WORKERS=${WORKERS:-1 2 4}
CONC=${CONC:-8}
PORTS=${PORTS:-21,22,23,25,80,443,445,3389,5900,8080,8443,9200}
DROPPED="23, 445, 3389, 9200" # a third of PORTS
DURATION=${DURATION:-15s}
CONNS=${CONNS:-10}
NICE=${NICE:-0}
NS=vigie-fleet
case ",$PORTS," in *,2024,*) echo "le port 2024 n'est jamais scanné" >&2; exit 2 ;; esac
for c in ip nft python3 curl wrk jq; do command -v "$c" >/dev/null || { echo "$c absent" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "root requis (espace de noms réseau, nftables)" >&2; exit 2; }
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort | tail -1)")
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL (initdb) absent" >&2; exit 2; }

tmp=$(mktemp -d /tmp/vigie-fleet.XXXXXX)
chmod 711 "$tmp"
pids=()
pgdata=""
# in_ns runs a command in the namespace (« ip netns exec » execs it: a
# background « ip netns exec … & » has the command's own PID in $!).
in_ns() { ip netns exec "$NS" "$@"; }
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP:-}" = 1 ]; then
		echo "conservés : $tmp, espace de noms $NS, PostgreSQL $DSN_BASE" >&2
		return
	fi
	[ -n "$pgdata" ] && in_ns runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
	ip netns list | grep -qw "$NS" && ip netns del "$NS" || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/vigie" ./cmd/vigie
chmod 755 "$tmp/vigie"
V="$tmp/vigie"
head -c 32 /dev/urandom >"$tmp/vigie.key"

# --- the namespace: loopback, firewall, listeners ---------------------------
ip netns list | grep -qw "$NS" && ip netns del "$NS"
ip netns add "$NS"
in_ns ip link set lo up
in_ns nft -f - <<NFT
table inet fleet {
	chain input {
		type filter hook input priority 0; policy accept;
		ip daddr 127.20.0.0/16 tcp dport { $DROPPED } drop
		ip daddr 127.20.0.0/16 tcp dport 80 ip daddr & 0.0.0.15 != 0.0.0.1 reject with tcp reset
		ip daddr 127.20.0.0/16 tcp dport 22 ip daddr & 0.0.0.15 != 0.0.0.2 reject with tcp reset
	}
}
NFT
ip netns exec "$NS" python3 - <<'PY' &
import http.server, socketserver
class Page(http.server.BaseHTTPRequestHandler):
    server_version = "Apache/2.4.62"
    sys_version = ""
    def do_GET(self):
        body = b"<html><head><title>Intranet</title></head><body>Intranet</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, *a):
        pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass # probes that close early (reset) are expected, not worth a traceback
Server(("0.0.0.0", 80), Page).serve_forever()
PY
pids+=($!)
ip netns exec "$NS" python3 - <<'PY' &
import asyncio
async def banner(r, w):
    w.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    try:
        await w.drain()
        await asyncio.wait_for(r.read(256), 5)
    except Exception:
        pass
    w.close()
async def main():
    s = await asyncio.start_server(banner, "0.0.0.0", 22, backlog=1024)
    await s.serve_forever()
asyncio.run(main())
PY
pids+=($!)
for _ in $(seq 100); do
	in_ns curl -fs -m 2 -o /dev/null http://127.20.0.1/ && in_ns bash -c 'exec 3<>/dev/tcp/127.20.0.2/22' 2>/dev/null && break
	sleep 0.2
done

# --- PostgreSQL in the namespace --------------------------------------------
mkdir -p "$tmp/pg" && chown postgres "$tmp/pg" && chmod 700 "$tmp/pg"
pgdata="$tmp/pg/data"
port=55432
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" --auth=trust -U postgres --encoding=UTF8 --no-locale --no-sync >/dev/null
in_ns runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$tmp/pg/server.log" -w -t 60 \
	-o "-h 127.0.0.1 -p $port -k $tmp/pg -F -c max_connections=400 -c shared_buffers=256MB" start >/dev/null
DSN_BASE="postgres://postgres@127.0.0.1:$port"
psqlc() { PGOPTIONS='-c client_min_messages=warning' in_ns psql -X -q -v ON_ERROR_STOP=1 -d "$DSN_BASE/$1?sslmode=disable" "${@:2}"; }

# --- the operator's data ----------------------------------------------------
# Dossiers (GHTs of PER_GHT establishments), the approved perimeters and the
# schedules, as files the script loads into each fresh database.
python3 - "$tmp" "$ENTITIES" "$PER_GHT" "$PORTS" <<'PY'
import json, sys, ipaddress
out, n, per, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def luhn_key(body):
    s, double = 0, True
    for c in reversed(body):
        d = int(c)
        if double:
            d *= 2
            if d > 9: d -= 9
        s += d
        double = not double
    return str((10 - s % 10) % 10)
base = ipaddress.IPv4Address("127.20.0.0")
rows = []
for g in range((n + per - 1) // per):
    code = "FLT-%03d" % (g + 1)
    ents = []
    for i in range(g * per, min(n, (g + 1) * per)):
        body = "64%06d" % (i + 1)
        f = body + luhn_key(body)
        ents.append({"finess": f, "kind": "EJ", "name": "CH de la flotte %d" % (i + 1), "legal_status": "13"})
        rows.append((code, f, str(base + 16 * i)))
    d = {"format": "vigie-dossier/1", "wave": "D1-2024",
         "ght": {"code": code, "name": "GHT de la flotte %d" % (g + 1), "support": ents[0]["finess"], "region": "Flotte"},
         "entities": ents}
    json.dump(d, open("%s/ght-%03d.json" % (out, g + 1), "w"))
with open(out + "/setup.sql", "w") as s:
    s.write("BEGIN;\n")
    for code, f, net in rows:
        s.write("INSERT INTO exposure_perimeters (entity, version, body, recorded_by, recorded_at, approved_by, approved_at) "
                "VALUES ('%s', 1, 'net %s/28\n', 'rssi-flotte', '2026-01-01T08:00:00Z', 'referent-flotte', '2026-01-02T08:00:00Z');\n" % (f, net))
        s.write("INSERT INTO audit_schedules (id, kind, applicant, subject, perimeter, ports, every_days, enabled, updated_by, updated_at) "
                "VALUES ('exposure:%s', 'exposure', '%s', '%s', 'approved:%s', '%s', 30, TRUE, 'referent-flotte', '2026-01-02T08:00:00Z');\n"
                % (f, code, f, f, ports))
    s.write("COMMIT;\n")
PY
ghts=$(ls "$tmp"/ght-*.json | wc -l)
echo "## Flotte : $ENTITIES établissements ($ghts GHT), 16 adresses chacun, ports $PORTS (dont $DROPPED filtrés), $CONC audits simultanés par exécutant"
echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cœurs, charge au départ : $(cut -d' ' -f1-3 /proc/loadavg) (machine partagée)"

# fresh DB: a new database with the operator's data; prints its DSN.
fresh() {
	local db=$1
	psqlc postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
	local dsn="$DSN_BASE/$db?sslmode=disable"
	for f in "$tmp"/ght-*.json; do
		in_ns "$V" import "$f" --database "$dsn" --key-file "$tmp/vigie.key" --by bench >/dev/null
	done
	psqlc "$db" -f "$tmp/setup.sql" >/dev/null
	echo "$dsn"
}

# wrkrun LABEL: wrk on a GHT dossier page of the web server (50
# establishments, evaluated), then on /sante (no data: the machine's own
# latency under the same load).
wrkrun() {
	printf '%-62s : ' "$1, dossier FLT-001"
	in_ns wrk -t2 -c "$CONNS" -d "$DURATION" --timeout 10s -s bench/wrk-percentiles.lua -H "Cookie: $cookie" "$web/dossiers/FLT-001" | tail -1
	printf '%-62s : ' "$1, /sante"
	in_ns wrk -t2 -c "$CONNS" -d "$DURATION" --timeout 10s -s bench/wrk-percentiles.lua "$web/sante" | tail -1
}

# serve DSN: « vigie serve --workers 0 » and an admin session (cookie).
serve() {
	local dsn=$1
	printf 'mot-de-passe-du-banc-fleet-42\n' >"$tmp/pw"
	in_ns "$V" user create --login banc --role admin --password-file "$tmp/pw" --database "$dsn" --key-file "$tmp/vigie.key" >/dev/null
	ip netns exec "$NS" "$V" serve --workers 0 --database "$dsn" --key-file "$tmp/vigie.key" --listen 127.0.0.1:18080 >"$tmp/serve.out" 2>"$tmp/serve.err" &
	pids+=($!)
	web=http://127.0.0.1:18080
	for _ in $(seq 100); do in_ns curl -fs "$web/sante" >/dev/null 2>&1 && break; sleep 0.2; done
	local jar=$tmp/jar csrf
	rm -f "$jar"
	csrf=$(in_ns curl -fs -c "$jar" -b "$jar" "$web/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	in_ns curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode login=banc \
		--data-urlencode password=mot-de-passe-du-banc-fleet-42 "$web/connexion"
	cookie=$(awk '$6 ~ /session/ {print $6 "=" $7}' "$jar" | head -1)
	[ -n "$cookie" ] || { echo "connexion au serveur web impossible" >&2; cat "$tmp/serve.err" >&2; exit 1; }
}

declare -A RATE
for w in $WORKERS; do
	db="fleet_$w"
	dsn=$(fresh "$db")
	mixed=""
	if [ "$w" = 4 ] || [ "$w" = "${WORKERS##* }" ]; then
		serve "$dsn"
		mixed=1
		echo
		wrkrun "web, avant la flotte ($CONNS conn., $DURATION)"
	fi
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$(date +%s.%N)
	wp=()
	for i in $(seq "$w"); do
		ip netns exec "$NS" nice -n "$NICE" "$V" worker --database "$dsn" --key-file "$tmp/vigie.key" --queues "exposure=$CONC" --id "w$i" \
			--allow-private-targets --schedule-interval 5s --alert-interval 0 --digest-interval 0 \
			>"$tmp/w$i.out" 2>"$tmp/w$i.err" &
		wp+=($!)
		pids+=($!)
	done
	for i in $(seq "$w"); do # ready: River's tables exist, the queues are worked
		for _ in $(seq 600); do grep -q prêt "$tmp/w$i.out" && break; sleep 0.2; done
		grep -q prêt "$tmp/w$i.out" || { echo "l'exécutant w$i n'a pas démarré :" >&2; cat "$tmp/w$i.err" >&2; exit 1; }
	done
	if [ -n "$mixed" ]; then
		# wait until audits are being stored, then measure the web
		for _ in $(seq 600); do
			[ "$(psqlc "$db" -tAc "SELECT count(*) FROM exposure_audits")" -ge 20 ] && break
			sleep 1
		done
		wrkrun "web, pendant l'écriture par $w exécutants ($CONNS conn., $DURATION)"
	fi
	# the run ends when every planned job is finished
	while :; do
		left=$(psqlc "$db" -tAc "SELECT count(*) FROM audit_schedules s WHERE NOT EXISTS (SELECT 1 FROM schedule_runs r WHERE r.schedule = s.id)
			OR EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'exposure_audit' AND j.finalized_at IS NULL)")
		[ "$left" = 0 ] && break
		for p in "${wp[@]}"; do kill -0 "$p" 2>/dev/null || { echo "un exécutant s'est arrêté :" >&2; cat "$tmp"/w*.err >&2; exit 1; }; done
		sleep 2
	done
	t1=$(date +%s.%N)
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	for p in "${wp[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
	echo
	echo "### $w exécutant$([ "$w" -gt 1 ] && echo s) × exposure=$CONC (nice $NICE) — charge $load0 → $load1, mur $(printf '%.0f' "$(echo "$t1 - $t0" | bc)") s"
	psqlc "$db" -tA -F ' ' <<'SQL' | while read -r done failed span p50 p95 pmax; do
SELECT count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state <> 'completed'),
	EXTRACT(EPOCH FROM max(finalized_at) - min(attempted_at)),
	percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM attempted_at - scheduled_at)),
	percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM attempted_at - scheduled_at)),
	max(EXTRACT(EPOCH FROM attempted_at - scheduled_at))
FROM river_job WHERE kind = 'exposure_audit'
SQL
		rate=$(echo "$done * 3600 / $span" | bc)
		RATE[$w]=$rate
		printf 'audits terminés %s, en échec ou annulés %s, en %.0f s : %s audits/heure' "$done" "$failed" "$span" "$rate"
		[ -n "${RATE[1]:-}" ] && [ "$w" != 1 ] && printf ' (× %.2f par rapport à 1 exécutant)' "$(echo "$rate / ${RATE[1]}" | bc -l)"
		printf '\nlatence de file (première tentative − date prévue) : p50 %.1f s, p95 %.1f s, max %.1f s\n' "$p50" "$p95" "$pmax"
	done
	echo "tâches par exécutant : $(psqlc "$db" -tA -F ' ' -c "SELECT attempted_by[array_length(attempted_by, 1)], count(*) FROM river_job
		WHERE kind = 'exposure_audit' GROUP BY 1 ORDER BY 1" | tr '\n' ';' | sed 's/;$//; s/;/ ; /g')"
	echo "tentatives > 1 : $(psqlc "$db" -tAc "SELECT count(*) FROM river_job WHERE kind = 'exposure_audit' AND attempt > 1")"
	psqlc "$db" -tA -F ' ' <<'SQL' | while read -r jobs distinct_sched audits distinct_ent max_per_ent completed missing; do
SELECT (SELECT count(*) FROM river_job WHERE kind = 'exposure_audit'),
	(SELECT count(DISTINCT args->>'schedule') FROM river_job WHERE kind = 'exposure_audit'),
	(SELECT count(*) FROM exposure_audits WHERE source = 'vigie'),
	(SELECT count(DISTINCT e.finess) FROM exposure_audit_entities e JOIN exposure_audits a ON a.uid = e.audit WHERE a.source = 'vigie'),
	(SELECT COALESCE(max(n), 0) FROM (SELECT count(*) n FROM exposure_audit_entities e JOIN exposure_audits a ON a.uid = e.audit
		WHERE a.source = 'vigie' GROUP BY e.finess) x),
	(SELECT count(*) FROM river_job WHERE kind = 'exposure_audit' AND state = 'completed'),
	(SELECT count(*) FROM river_job j WHERE kind = 'exposure_audit' AND state = 'completed'
		AND NOT EXISTS (SELECT 1 FROM exposure_audits a WHERE a.id = j.metadata->'output'->>'audit_id'))
SQL
		verdict="OK"
		[ "$jobs" = "$ENTITIES" ] && [ "$distinct_sched" = "$ENTITIES" ] && [ "$audits" = "$completed" ] && [ "$distinct_ent" = "$audits" ] \
			&& [ "$max_per_ent" -le 1 ] && [ "$missing" = 0 ] || verdict="ÉCHEC"
		echo "une seule fois : $jobs tâches pour $distinct_sched planifications, $audits audits stockés pour $distinct_ent établissements" \
			"(au plus $max_per_ent par établissement), $completed tâches terminées dont $missing sans audit stocké → $verdict"
	done
	psqlc "$db" -tAc "SELECT 'constats par audit (moyenne) : ' || round(avg(high + medium + low + info), 2) FROM exposure_audits WHERE source = 'vigie'"
done
