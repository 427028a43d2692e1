#!/usr/bin/env bash
# bench/ad-collect.sh — throughput of « vigie ad collect » against a paged
# ldapsearch dump of the same entries, on the lab Samba AD DC, in the same run.
#
#   bench/ad-collect.sh [USERS] [RUNS]     default 20000 users, 3 runs
#
# Loads the lab DC (scripts/lab/samba-ad-dc.sh bulk: USERS users in OUs of 1,000,
# USERS/10 groups of 20 members, every tenth group nested in the next) — about
# 5 min for 20,000 users the first time, then reused. Then, for each run:
#   ldapsearch -E pr=1000/noprompt with the SD_FLAGS control, same attribute list
#   as the collector, over LDAPS, each of the five naming contexts, output discarded
#   vigie ad collect over LDAPS (writes a gzip snapshot)
# and prints entries/s for both and the ratio (target: vigie >= 0.8 x ldapsearch).
# For people, not for CI. Uses DIR=$VIGIE_BENCH_AD_DIR (default /tmp/vigie-lab-bench);
# takes the lab lock so it never runs beside the end-to-end tests (one DC per machine),
# and stops the DC at the end unless VIGIE_BENCH_KEEP=1 (the loaded directory stays in DIR).
set -euo pipefail
USERS=${1:-20000}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${VIGIE_BENCH_AD_DIR:-/tmp/vigie-lab-bench}
LAB="$ROOT/scripts/lab/samba-ad-dc.sh"
WORK=$(mktemp -d /tmp/vigie-bench-ad.XXXXXX)
cleanup() {
  rm -rf "$WORK"
  [ "${VIGIE_BENCH_KEEP:-0}" = 1 ] || "$LAB" stop "$DIR" || true
}
trap cleanup EXIT

exec 9>/tmp/vigie-lab-ad.lock
flock 9

eval "$("$LAB" start "$DIR")"
"$LAB" bulk "$USERS" "$DIR"
(cd "$ROOT" && go build -o "$WORK/vigie" ./cmd/vigie)

# the collector's attribute list, read from its source
mapfile -t ATTRS < <(awk '/^var Attributes = /{on=1; next} on && /^}/{exit} on' "$ROOT/internal/ad/ldapcollect/attrs.go" \
  | grep -v '^\s*//' | grep -o '"[^"]*"' | tr -d '"' | awk '!seen[tolower($0)]++')
mapfile -t NCS < <(ldapsearch -LLL -x -H "ldap://$LAB_AD_HOST" -s base -b '' namingContexts | awk '/^namingContexts: /{print $2}')

now() { date +%s.%N; }
(umask 077; printf '%s' "$LAB_AD_ADMIN_PASSWORD" > "$WORK/pw")
echo "bench ad-collect: $USERS bulk users, ${#NCS[@]} naming contexts, ${#ATTRS[@]} attributes, $RUNS runs"
printf '%-5s %12s %10s %12s %10s %10s %12s %7s\n' run ldap_entries ldap_s ldap_per_s vigie_objs vigie_s vigie_per_s ratio
ldap_dump() {  # prints the number of entries of the five naming contexts
  local n=0 c nc
  for nc in "${NCS[@]}"; do
    c=$(LDAPTLS_CACERT=$LAB_AD_CA_CERT ldapsearch -LLL -o ldif-wrap=no -x -H "ldaps://$LAB_AD_HOST" \
        -D "$LAB_AD_ADMIN_UPN" -y "$WORK/pw" -E pr=1000/noprompt -E '!1.2.840.113556.1.4.801=::MAMCAQc=' \
        -b "$nc" '(objectClass=*)' "${ATTRS[@]}" | grep -c '^dn:' || true)
    n=$((n + c))
  done
  echo "$n"
}
vigie_collect() {  # prints the number of objects written
  "$WORK/vigie" ad collect --dc "$LAB_AD_HOST" --user "$LAB_AD_ADMIN_UPN" --password-file "$WORK/pw" \
    --ca-file "$LAB_AD_CA_CERT" --quiet -o "$WORK/snap.gz" | awk -F': ' '/Objets/{print $2}'
}
# the order alternates between runs so that neither tool always runs on a warmer server
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then
    t0=$(now); n=$(ldap_dump); t1=$(now); objs=$(vigie_collect); t2=$(now)
    ls=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'); vs=$(awk -v a="$t1" -v b="$t2" 'BEGIN{print b-a}')
  else
    t0=$(now); objs=$(vigie_collect); t1=$(now); n=$(ldap_dump); t2=$(now)
    vs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'); ls=$(awk -v a="$t1" -v b="$t2" 'BEGIN{print b-a}')
  fi
  echo "$n $ls $objs $vs" >> "$WORK/runs"
  awk -v r="$run" -v n="$n" -v ls="$ls" -v o="$objs" -v vs="$vs" 'BEGIN{
    lr=n/ls; vr=o/vs
    printf "%-5s %12d %10.2f %12.0f %10d %10.2f %12.0f %7.2f\n", r, n, ls, lr, o, vs, vr, vr/lr }'
done
awk '{n+=$1; ls+=$2; o+=$3; vs+=$4} END{lr=n/ls; vr=o/vs
  printf "%-5s %12d %10.2f %12.0f %10d %10.2f %12.0f %7.2f\n", "all", n, ls, lr, o, vs, vr, vr/lr}' "$WORK/runs"
echo "snapshot size: $(du -h "$WORK/snap.gz" | cut -f1)"
if [ "${VIGIE_BENCH_KEEP:-0}" = 1 ]; then
  echo "DC left running (VIGIE_BENCH_KEEP=1); stop it with: $LAB stop $DIR"
fi
