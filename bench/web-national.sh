#!/usr/bin/env bash
# National-scale load test of the web application, on loopback only:
# NATIONAL generated establishments (default 3000, two years of audits,
# demo.National) plus the demo GHT, imported once on SQLite and once on a
# throwaway PostgreSQL cluster (initdb/pg_ctl as the postgres user, on
# 127.0.0.1). For each engine, wrk (Debian package "wrk") with CONNS
# connections (default 50, and 1 for the unloaded latency) for DURATION
# (default 20s) on: the dashboard of the largest generated GHT and its
# evaluation API; the dashboards of each role — national grid (admin,
# plain, then filtered and sorted, then page 2), regional grid (ARS),
# entity grid (GHT referent), establishment home; the national CSV export;
# then a mixed run at CONNS connections: 95 % reads of those pages, 5 %
# crisis exercises recorded by other establishments (bench/wrk-mixed.lua).
# Prints p50, p95, p99 and requests per second per run
# (bench/wrk-percentiles.lua). ENGINES="sqlite" or "postgresql" measures one
# engine only (default: both); ONLY=mixed runs the mixed run alone;
# WEBSERVE_ARGS passes options to bench/webserve (e.g. "-cpuprofile F").
# Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk absent : apt-get install -y wrk" >&2; exit 2; }
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort | tail -1)" 2>/dev/null || true)
[ -x "$pgbin/initdb" ] || pgbin=$(dirname "$(command -v initdb)")
tmp=$(mktemp -d)
pid=""
pgdata=""
cleanup() {
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
	[ -n "$pgdata" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/webserve" ./bench/webserve
NATIONAL=${NATIONAL:-3000}

# serve DSN: starts webserve on the given database, waits for its cookie.
serve() {
	# shellcheck disable=SC2086 # WEBSERVE_ARGS is a list of options
	"$tmp/webserve" -national "$NATIONAL" ${1:+-dsn "$1"} ${WEBSERVE_ARGS:-} >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	local t0=$SECONDS
	for _ in $(seq 3600); do grep -q '^COOKIE=' "$tmp/out" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
	url=$(sed -n 's/^URL=//p' "$tmp/out"); token=$(sed -n 's/^TOKEN=//p' "$tmp/out")
	ght=$(sed -n 's/^GHT=//p' "$tmp/out"); cookie=$(sed -n 's/^COOKIE=//p' "$tmp/out")
	ars=$(sed -n 's/^COOKIE_ARS=//p' "$tmp/out"); ghtc=$(sed -n 's/^COOKIE_GHT=//p' "$tmp/out"); ej=$(sed -n 's/^COOKIE_EJ=//p' "$tmp/out")
	[ -n "$cookie" ] || { cat "$tmp/err" >&2; echo "le serveur n'a pas démarré" >&2; exit 1; }
	echo "import et démarrage : $((SECONDS - t0)) s ; $(cat "$tmp/err")"
}
stopserve() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
# run LABEL CONNS wrk-args…: one wrk run, one result line.
run() {
	local label=$1 conns=$2; shift 2
	printf '%-45s %3s conn. : ' "$label" "$conns"
	wrk -t"$((conns < 2 ? 1 : 2))" -c "$conns" -d "${DURATION:-20s}" --timeout 10s -s bench/wrk-percentiles.lua "$@" | tail -1
}
at="at=2025-06-15"
measure() {
	for c in 1 "${CONNS:-50}"; do
		[ "${ONLY:-}" = mixed ] && break
		run "tableau de bord HTML (GHT $ght)" "$c" -H "Cookie: $cookie" "$url/dossiers/$ght?$at"
		run "API évaluation JSON (GHT $ght)" "$c" -H "Authorization: Bearer $token" "$url/api/v1/applicants/$ght/evaluation?$at"
		run "grille nationale (administrateur)" "$c" -H "Cookie: $cookie" "$url/?$at"
		run "grille nationale filtrée et triée" "$c" -H "Cookie: $cookie" "$url/?$at&objectif=D1.O3&statut=non-atteint&tri=retard"
		run "grille nationale, page 2" "$c" -H "Cookie: $cookie" "$url/?$at&page=2"
		run "grille régionale (ARS)" "$c" -H "Cookie: $ars" "$url/?$at"
		run "grille du GHT (référent)" "$c" -H "Cookie: $ghtc" "$url/?$at"
		run "accueil d'un établissement" "$c" -H "Cookie: $ej" "$url/?$at"
	done
	[ "${ONLY:-}" = mixed ] || run "export CSV de la grille nationale" 1 -H "Cookie: $cookie" "$url/pilotage.csv?$at"
	# Mixed: 95 % reads of the pages above, 5 % writes by other establishments.
	{
		for p in "/?$at" "/?$at&objectif=D1.O3&statut=non-atteint&tri=retard" "/?$at&page=2" "/dossiers/$ght?$at"; do printf 'GET\t%s\t%s\n' "$cookie" "$p"; done
		printf 'GET\t%s\t%s\n' "$ars" "/?$at" "$ghtc" "/?$at" "$ej" "/?$at"
		sed -n 's/^WRITER=/WRITER\t/p' "$tmp/out"
	} >"$tmp/mixed"
	printf '%-45s %3s conn. : ' "mixte : 95 % lectures, 5 % écritures" "${CONNS:-50}"
	MIXED_FILE="$tmp/mixed" wrk -t2 -c "${CONNS:-50}" -d "${DURATION:-20s}" --timeout 10s -s bench/wrk-mixed.lua "$url" | tail -1
	# After the writes, the grids are read again (cache rebuilt per dossier).
	run "grille nationale après les écritures" "${CONNS:-50}" -H "Cookie: $cookie" "$url/?$at"
}

echo "charge de la machine avant la mesure : $(cut -d' ' -f1-3 /proc/loadavg)"
engines=${ENGINES:-sqlite postgresql}
if [[ " $engines " == *" sqlite "* ]]; then
	echo "### SQLite ($NATIONAL établissements)"
	serve ""
	measure
	stopserve
fi
[[ " $engines " == *" postgresql "* ]] || exit 0

echo "### PostgreSQL ($NATIONAL établissements)"
chmod 711 "$tmp" && mkdir -p "$tmp/pg" && chown postgres "$tmp/pg" && chmod 700 "$tmp/pg"
pgdata="$tmp/pg/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" --auth=trust -U postgres --encoding=UTF8 --no-locale --no-sync >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$tmp/pg/server.log" -w -t 60 \
	-o "-h 127.0.0.1 -p $port -k $tmp/pg -F -c max_connections=200" start >/dev/null
serve "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
measure
stopserve
echo "charge de la machine après la mesure : $(cut -d' ' -f1-3 /proc/loadavg)"
