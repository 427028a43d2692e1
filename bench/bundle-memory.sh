#!/usr/bin/env bash
# Memory of the declaration bundle download (issue 12, item 7): « vigie
# serve --demo » on loopback, FILES evidence files of ~20 MiB each (default
# 10, i.e. 200 MiB, incompressible) uploaded through the web form, then
# bundle.zip downloaded once and CONC times at once (default 4) while the
# server's resident memory (VmRSS, /proc) is sampled every 20 ms. Prints
# the RSS before, the peak during each run and the difference.
#   bench/bundle-memory.sh            # this checkout
#   BEFORE=<git rev> bench/bundle-memory.sh   # also the same run on an older revision
# Not run by CI (it writes ~1 GiB in a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-10}
CONC=${CONC:-4}
WORK=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

# One ~20 MiB "PNG" (PNG signature + random bytes): accepted as evidence, incompressible.
{ printf '\x89PNG\r\n\x1a\n'; head -c $((20 * 1024 * 1024 - 4096)) /dev/urandom; } >"$WORK/piece.png"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# sample PID OUT: writes the peak VmRSS (kB) seen until OUT.stop exists.
sample() {
  local peak=0 v
  while [ ! -e "$2.stop" ]; do
    v=$(rss_kb "$1" 2>/dev/null || echo 0)
    [ "$v" -gt "$peak" ] && peak=$v
    sleep 0.02
  done
  echo "$peak" >"$2"
}

# start BINARY DATA OUT JAR: starts « vigie serve --demo » on DATA and logs
# in as admin; sets pid and url.
start() {
  "$1" serve --demo --data "$2" --listen 127.0.0.1:0 >"$3" 2>"$3.err" &
  pid=$!
  for _ in $(seq 300); do grep -q "ouvrez http" "$3" && break; sleep 0.1; done
  local pw t
  url=$(sed -n 's/.*ouvrez \(http:\/\/[^/ ]*\)\/.*/\1/p' "$3")
  pw=$(awk '$1 == "admin" {print $2}' "$3")
  [ -n "$url" ] && [ -n "$pw" ] || { echo "le serveur n'a pas démarré" >&2; cat "$3.err" >&2; exit 1; }
  rm -f "$4"
  t=$(csrf "$4" /connexion)
  curl -s -o /dev/null -b "$4" -c "$4" --data-urlencode "csrf=$t" --data-urlencode "login=admin" --data-urlencode "password=$pw" "$url/connexion"
}

csrf() { curl -s -b "$1" -c "$1" "$url$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }

measure() { # measure LABEL BINARY
  local label=$1 bin=$2 data="$WORK/data-$1" jar="$WORK/jar-$1" out="$WORK/out-$1"
  local t
  start "$bin" "$data" "$out" "$jar"
  for i in $(seq "$FILES"); do
    t=$(csrf "$jar" /dossiers/CVL-99/preuves)
    code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -F "csrf=$t" -F "rattachement=objectif:D1.O3@" \
      -F "fichier=@$WORK/piece.png;filename=piece-$i.png;type=image/png" "$url/dossiers/CVL-99/preuves")
    [ "$code" = 303 ] || { echo "envoi $i : HTTP $code" >&2; exit 1; }
  done
  # Restart on the same data: the baseline is not inflated by the uploads.
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start "$bin" "$data" "$out" "$jar"
  curl -s -o /dev/null -b "$jar" "$url/dossiers/CVL-99" # warm the caches
  sleep 1
  local base
  base=$(rss_kb "$pid")
  for n in 1 "$CONC"; do
    rm -f "$WORK/peak" "$WORK/peak.stop"
    sample "$pid" "$WORK/peak" &
    local spid=$! t0 t1
    t0=$(date +%s.%N)
    # ?at= today: the demo opens at its own date, and a bundle leaves out
    # the evidence uploaded after its date.
    for k in $(seq "$n"); do curl -s -b "$jar" -o "$WORK/bundle-$k.zip" "$url/dossiers/CVL-99/bundle.zip?at=$(TZ=Europe/Paris date +%F)" & done
    wait $(jobs -p | grep -v "^$spid$" | grep -v "^$pid$") 2>/dev/null || true
    t1=$(date +%s.%N)
    touch "$WORK/peak.stop"; wait "$spid"
    local size peak
    size=$(stat -c %s "$WORK/bundle-1.zip" 2>/dev/null || echo 0)
    [ "$size" -ge $((FILES * 20 * 1024 * 1024 - FILES * 4096)) ] || echo "attention : archive de $size octets, les pièces n'y sont pas toutes" >&2
    peak=$(cat "$WORK/peak")
    printf '%-8s téléchargements simultanés : %d, archive %d Mio, RSS avant %d Mo, pic %d Mo, écart +%d Mo, %.1f s\n' \
      "$label" "$n" $((size >> 20)) $((base / 1024)) $((peak / 1024)) $(((peak - base) / 1024)) "$(echo "$t1 - $t0" | bc -l)"
    rm -f "$WORK"/bundle-*.zip
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  rm -rf "$data"
}

echo "charge : $(cut -d' ' -f1-3 /proc/loadavg) ; $FILES pièces de 20 Mio, $CONC téléchargements simultanés"
go build -o "$WORK/vigie" ./cmd/vigie
measure actuel "$WORK/vigie"
if [ -n "${BEFORE:-}" ]; then
  mkdir "$WORK/src"
  git archive "$BEFORE" | tar -x -C "$WORK/src"
  (cd "$WORK/src" && go build -o "$WORK/vigie-avant" ./cmd/vigie)
  measure avant "$WORK/vigie-avant"
fi
