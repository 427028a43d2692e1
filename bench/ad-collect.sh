#!/usr/bin/env bash
# bench/ad-collect.sh — throughput of « vigie ad collect » against a paged
# ldapsearch dump of the same entries, on the lab Samba AD DC, in the same run.
#
#   bench/ad-collect.sh [USERS] [RUNS]     default 20000 users, 3 runs
#   PARALLEL=N bench/ad-collect.sh          connections of the parallel vigie run (default 4)
#
# Loads the lab DC (scripts/lab/samba-ad-dc.sh bulk: USERS users in OUs of 1,000,
# USERS/10 groups of 20 members, every tenth group nested in the next) — about
# 5 min for 20,000 users the first time, then reused. Then, for each run:
#   ldapsearch -E pr=1000/noprompt with the SD_FLAGS control, same attribute list
#   as the collector, over LDAPS, each of the five naming contexts in turn, output discarded
#   vigie ad collect --parallel 1 over LDAPS (one connection, as ldapsearch)
#   vigie ad collect --parallel N over LDAPS (domain and Configuration subtrees on N connections)
# and prints entries/s of the three and the ratios vigie/ldapsearch (targets:
# >= 1.0 kept, >= 1.5 aimed at with N connections), with vigie's client CPU.
# For people, not for CI. Uses DIR=$VIGIE_BENCH_AD_DIR (default /tmp/vigie-lab-bench);
# takes the lab lock so it never runs beside the end-to-end tests (one DC per machine),
# and stops the DC at the end unless VIGIE_BENCH_KEEP=1 (the loaded directory stays in DIR).
set -euo pipefail
USERS=${1:-20000}
RUNS=${2:-3}
PARALLEL=${PARALLEL:-4}
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
echo "bench ad-collect: $USERS bulk users, ${#NCS[@]} naming contexts, ${#ATTRS[@]} attributes, $RUNS runs, $(date -u +%FT%TZ)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %8s | %8s %8s | %8s %8s %6s %7s | %8s %8s %6s %7s\n' run entries ldap_s ldap/s \
  v1_s v1/s ratio1 v1_cpu "vN_s" "vN/s" ratioN vN_cpu
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
vigie_collect() {  # vigie_collect CONNECTIONS: prints "objects wall_s cpu_s"
  local t0 t1 objs
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$WORK/cpu" "$WORK/vigie" ad collect --dc "$LAB_AD_HOST" --user "$LAB_AD_ADMIN_UPN" \
    --password-file "$WORK/pw" --ca-file "$LAB_AD_CA_CERT" --parallel "$1" --quiet -o "$WORK/snap$1.gz" > "$WORK/out"
  t1=$(now)
  objs=$(awk -F': ' '/Objets/{print $2}' "$WORK/out")
  awk -v o="$objs" -v a="$t0" -v b="$t1" '{printf "%d %.3f %.2f\n", o, b-a, $1+$2}' "$WORK/cpu"
}
ldap_timed() {
  local t0 t1 n
  t0=$(now); n=$(ldap_dump); t1=$(now)
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "%d %.3f\n", n, b-a}'
}
# the order rotates between runs so that no tool always runs on a warmer server
for run in $(seq 1 "$RUNS"); do
  case $((run % 3)) in
    1) l=$(ldap_timed); v1=$(vigie_collect 1); vn=$(vigie_collect "$PARALLEL") ;;
    2) v1=$(vigie_collect 1); vn=$(vigie_collect "$PARALLEL"); l=$(ldap_timed) ;;
    0) vn=$(vigie_collect "$PARALLEL"); l=$(ldap_timed); v1=$(vigie_collect 1) ;;
  esac
  echo "$l $v1 $vn" >> "$WORK/runs"
  echo "$run $l $v1 $vn" | awk '{
    lr=$2/$3; r1=$4/$5; rn=$7/$8
    printf "%-4s %8d | %8.2f %8.0f | %8.2f %8.0f %6.2f %7.1f | %8.2f %8.0f %6.2f %7.1f\n", $1, $2, $3, lr, $5, r1, r1/lr, $6, $8, rn, rn/lr, $9 }'
done
awk '{n+=$1; ls+=$2; o1+=$3; s1+=$4; c1+=$5; on+=$6; sn+=$7; cn+=$8} END{
  lr=n/ls; r1=o1/s1; rn=on/sn
  printf "%-4s %8d | %8.2f %8.0f | %8.2f %8.0f %6.2f %7.1f | %8.2f %8.0f %6.2f %7.1f\n", "all", n, ls, lr, s1, r1, r1/lr, c1, sn, rn, rn/lr, cn }' "$WORK/runs"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "snapshot size: $(du -h "$WORK/snap$PARALLEL.gz" | cut -f1) (vigie objects include the root DSE)"
if [ "${VIGIE_BENCH_KEEP:-0}" = 1 ]; then
  echo "DC left running (VIGIE_BENCH_KEEP=1); stop it with: $LAB stop $DIR"
fi
