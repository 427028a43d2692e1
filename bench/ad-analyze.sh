#!/bin/sh
# Mesure le temps et la mémoire maximale (RSS) de l'analyse ANSSI d'un
# instantané AD synthétique (100 000 objets par défaut), RUNS fois (3 par
# défaut : la machine est partagée, la meilleure mesure est la moins bruitée).
# Usage : [RUNS=N] bench/ad-analyze.sh [NOMBRE_D_OBJETS]
# Objectif : moins de 2 s et moins de 300 Mo pour 100 000 objets.
set -eu
n="${1:-100000}"
runs="${RUNS:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/adsynth" ./internal/ad/adtest/adsynth
go build -o "$work/vigie" ./cmd/vigie
echo "Génération de $n objets…"
"$work/adsynth" -n "$n" -o "$work/synth.snapshot.gz"
echo "Instantané : $(ls -l "$work/synth.snapshot.gz" | awk '{print $5}') octets, format $(zcat "$work/synth.snapshot.gz" | head -c 19)"
echo "Charge de la machine au départ : $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %10s %8s %12s\n' passe "durée (s)" "user (s)" "sys (s)" "CPU" "RSS max (Mo)"
i=1
while [ "$i" -le "$runs" ]; do
	/usr/bin/time -f '%e %U %S %P %M' -o "$work/time.txt" \
		"$work/vigie" ad analyze "$work/synth.snapshot.gz" --format json -o "$work/report.json"
	awk -v i="$i" '{printf "%-6s %10.2f %10.2f %10.2f %8s %12.0f\n", i, $1, $2, $3, $4, $5/1024}' "$work/time.txt" | tee -a "$work/all.txt"
	i=$((i + 1))
done
sort -n -k2 "$work/all.txt" | head -1 | awk '{printf "meilleure passe : %.2f s, %.0f Mo\n", $2, $6}'
echo "Charge de la machine à la fin : $(cut -d' ' -f1-3 /proc/loadavg)"
