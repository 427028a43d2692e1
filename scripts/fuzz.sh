#!/usr/bin/env bash
# Run every Go fuzz target of the project for a while (default 60 s each).
#   scripts/fuzz.sh [SECONDS] [PACKAGE_PATTERN]
# -fuzzminimizetime is bounded: large structured seeds (JSON dossiers,
# OPSSIES files) otherwise spend the whole run minimising new inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
pattern=${2:-./...}
status=0
for pkg in $(go list "$pattern"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    line=$(go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" -fuzzminimizetime 100x 2>&1 | grep -E '^fuzz: elapsed|FAIL|panic' | tail -1) || true
    if go test "$pkg" -run "^${target}\$" >/dev/null 2>&1; then result=ok; else result=ÉCHEC; status=1; fi
    printf '%-45s %-28s %s — %s\n' "$pkg" "$target" "$result" "$line"
  done
done
exit $status
