#!/bin/sh
# Mesure le temps et la mémoire maximale (RSS) de l'analyse ANSSI d'un
# instantané AD synthétique (100 000 objets par défaut).
# Usage : bench/ad-analyze.sh [NOMBRE_D_OBJETS]
set -eu
n="${1:-100000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/adsynth" ./internal/ad/adtest/adsynth
go build -o "$work/vigie" ./cmd/vigie
echo "Génération de $n objets…"
"$work/adsynth" -n "$n" -o "$work/synth.snapshot.gz"
ls -l "$work/synth.snapshot.gz"
# « vigie ad analyze » once the dispatcher routes it, adsynth otherwise.
if "$work/vigie" ad analyze -h >/dev/null 2>&1; then
	set -- "$work/vigie" ad analyze "$work/synth.snapshot.gz" --format json -o "$work/report.json"
else
	echo "(vigie ad analyze non routé : mesure avec adsynth -analyze)"
	set -- sh -c "'$work/adsynth' -analyze '$work/synth.snapshot.gz' > '$work/report.json'"
fi
/usr/bin/time -v "$@" 2>"$work/time.txt"
grep -E "Elapsed|Maximum resident|User time|System time|Percent of CPU" "$work/time.txt"
echo "Charge de la machine : $(cut -d' ' -f1-3 /proc/loadavg)"
