#!/usr/bin/env bash
# Load test of the web application with wrk (Debian package "wrk"), on
# loopback only: the demo GHT plus NATIONAL generated establishments
# (default 300), 2 threads, CONNS connections (default 16), DURATION each
# (default 10s). Measures: the dossier dashboard (HTML, session cookie), the
# evaluation API (JSON, bearer token), the home page listing every dossier,
# and the static CSS. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk absent : apt-get install -y wrk" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/webserve" ./bench/webserve
"$tmp/webserve" -national "${NATIONAL:-300}" >"$tmp/out" &
pid=$!
for _ in $(seq 600); do grep -q '^COOKIE=' "$tmp/out" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
url=$(sed -n 's/^URL=//p' "$tmp/out"); token=$(sed -n 's/^TOKEN=//p' "$tmp/out"); cookie=$(sed -n 's/^COOKIE=//p' "$tmp/out")
[ -n "$cookie" ] || { echo "le serveur n'a pas démarré" >&2; exit 1; }
run() { echo "== $1"; shift; wrk -t2 -c "${CONNS:-16}" -d "${DURATION:-10s}" --latency "$@" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'; }
run "tableau de bord HTML" -H "Cookie: $cookie" "$url/dossiers/CVL-99?at=2025-06-15"
run "API évaluation JSON" -H "Authorization: Bearer $token" "$url/api/v1/applicants/CVL-99/evaluation?at=2025-06-15"
run "accueil (${NATIONAL:-300} établissements + démo)" -H "Cookie: $cookie" "$url/"
run "CSS statique" "$url/static/vigie.css"
