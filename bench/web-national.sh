#!/usr/bin/env bash
# National-scale load test of the web application, on loopback only:
# NATIONAL generated establishments (default 3000, two years of audits,
# demo.National) plus the demo GHT, imported once on SQLite and once on a
# throwaway PostgreSQL cluster (initdb/pg_ctl as the postgres user, on
# 127.0.0.1). For each engine, wrk (Debian package "wrk") with CONNS
# connections (default 50, and 1 for the unloaded latency) for DURATION
# (default 20s) on the dashboard of the largest generated GHT and on its
# evaluation API. Prints p50, p95, p99 and requests per second per run
# (bench/wrk-percentiles.lua). Not run by CI.
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
	"$tmp/webserve" -national "$NATIONAL" ${1:+-dsn "$1"} >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	local t0=$SECONDS
	for _ in $(seq 3600); do grep -q '^COOKIE=' "$tmp/out" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
	url=$(sed -n 's/^URL=//p' "$tmp/out"); token=$(sed -n 's/^TOKEN=//p' "$tmp/out")
	ght=$(sed -n 's/^GHT=//p' "$tmp/out"); cookie=$(sed -n 's/^COOKIE=//p' "$tmp/out")
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
measure() {
	for c in 1 "${CONNS:-50}"; do
		run "tableau de bord HTML (GHT $ght)" "$c" -H "Cookie: $cookie" "$url/dossiers/$ght?at=2025-06-15"
		run "API évaluation JSON (GHT $ght)" "$c" -H "Authorization: Bearer $token" "$url/api/v1/applicants/$ght/evaluation?at=2025-06-15"
	done
}

echo "### SQLite ($NATIONAL établissements)"
serve ""
measure
stopserve

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
