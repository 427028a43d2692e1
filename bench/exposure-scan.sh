#!/usr/bin/env bash
# Benchmark of `vigie exposure scan` against nmap on the same loopback targets.
#
#  1. Port scan: NH synthetic hosts (127.0.45.1…) × NP ports (20000…) where a
#     Python helper listens on about a third of the pairs; every port listed is
#     one this script opened on some address (never a range we do not own).
#     vigie --no-probe  vs  nmap -sT -T4 -Pn -n : wall time (median of RUNS) and
#     recall against the ground truth. Twice: on the machine's loopback (every
#     port answers at once), then in a network namespace of our own where
#     nftables drops the last third of the ports (filtered, as on the internet).
#  2. Identification: the real daemons of scripts/lab/netlab.sh, their ports only.
#     vigie (probes)  vs  nmap -sV -T4 -Pn -n : wall time, services identified.
#
# Needs root (lab, netns), nmap (installed from Debian if missing), python3, jq,
# bc, nftables (optional, for the filtered case).
# Env: NH (40), NP (50), RUNS (3), LAB_DIR (/tmp/vigie-netlab).
set -euo pipefail
cd "$(dirname "$0")/.."
NH=${NH:-40}
NP=${NP:-50}
RUNS=${RUNS:-3}
LAB_DIR=${LAB_DIR:-/tmp/vigie-netlab}
WORK=$(mktemp -d)
HELPER_PID=""
LAB_STARTED=""
NS=vigie-bench

cleanup() {
  [[ -n $HELPER_PID ]] && kill "$HELPER_PID" 2>/dev/null || true
  [[ -n $LAB_STARTED ]] && scripts/lab/netlab.sh stop "$LAB_DIR" || true
  ip netns list 2>/dev/null | grep -qw "$NS" && ip netns del "$NS" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v nmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nmap >/dev/null
go build -o "$WORK/vigie" ./cmd/vigie

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- 1. port scan -----------------------------------------------------------
# portbench LABEL FILTERED [NETNS]: listeners on a third of the pairs, ports
# 20000+FILTERED… dropped by nftables (only inside our own netns), the rest closed.
portbench() {
  local label=$1 filtered=$2 ns=${3:-} run=()
  [[ -n $ns ]] && run=(ip netns exec "$ns")
  rm -f "$WORK/truth.txt"
  "${run[@]}" python3 - "$NH" "$NP" "$WORK/truth.txt" <<'PY' &
import socket, sys, time, os
nh, np_, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks, truth = [], []
for i in range(1, nh + 1):
    for j in range(np_):
        if (i + j) % 3 == 0:
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((f"127.0.45.{i}", 20000 + j)); s.listen(64); socks.append(s)
            truth.append(f"127.0.45.{i}:{20000 + j}")
open(out + ".tmp", "w").write("\n".join(truth) + "\n")
os.rename(out + ".tmp", out)
time.sleep(3600)
PY
  HELPER_PID=$!
  for _ in $(seq 100); do [[ -s $WORK/truth.txt ]] && break; sleep 0.1; done
  [[ -s $WORK/truth.txt ]] || { echo "listener helper failed" >&2; exit 1; }
  if [[ -n $ns && $filtered -lt $NP ]]; then
    "${run[@]}" nft add table inet vigiebench
    "${run[@]}" nft add chain inet vigiebench in '{ type filter hook input priority 0; }'
    "${run[@]}" nft add rule inet vigiebench in tcp dport "$((20000 + filtered))-$((20000 + NP - 1))" drop
    # pairs behind the drop rule cannot be seen as open by anyone
    awk -F: -v lim=$((20000 + filtered)) '$2 < lim' "$WORK/truth.txt" >"$WORK/t" && mv "$WORK/t" "$WORK/truth.txt"
  fi
  local hosts ports="20000-$((20000 + NP - 1))" true_open vt=() nt=() t0 t1 t2 r VT NT
  hosts=$(seq -f '127.0.45.%g' 1 "$NH" | tr '\n' ' ')
  sort "$WORK/truth.txt" -o "$WORK/truth.txt"
  true_open=$(wc -l <"$WORK/truth.txt")
  for r in $(seq "$RUNS"); do
    t0=$(now)
    # shellcheck disable=SC2086
    "${run[@]}" "$WORK/vigie" exposure scan $hosts --ports "$ports" --no-probe --quiet --format json -o "$WORK/v.json"
    t1=$(now)
    # shellcheck disable=SC2086
    "${run[@]}" nmap -sT -T4 -Pn -n -p "$ports" -oG "$WORK/n.gnmap" $hosts >/dev/null
    t2=$(now)
    vt+=("$(echo "$t1 - $t0" | bc)"); nt+=("$(echo "$t2 - $t1" | bc)")
  done
  jq -r '.hosts[] | .address as $a | .ports[] | "\($a):\(.port)"' "$WORK/v.json" | sort >"$WORK/v.txt"
  awk '/Ports:/ {h=$2; split($0, f, "Ports: "); m=split(f[2], ps, ", "); for (i=1;i<=m;i++) { split(ps[i], x, "/"); if (x[2]=="open") print h":"x[1] } }' \
    "$WORK/n.gnmap" | sort >"$WORK/n.txt"
  VT=$(printf '%s\n' "${vt[@]}" | median); NT=$(printf '%s\n' "${nt[@]}" | median)
  echo "== $label : $NH hôtes × $NP ports = $((NH * NP)) couples, $true_open ouverts, médiane de $RUNS passes"
  echo "   passes vigie : ${vt[*]} ; passes nmap : ${nt[*]}"
  printf '%-34s %10s %10s %8s\n' outil "temps (s)" "trouvés" rappel
  printf '%-34s %10.3f %10d %7.1f%%\n' "vigie exposure scan --no-probe" "$VT" "$(wc -l <"$WORK/v.txt")" "$(echo "100 * $(comm -12 "$WORK/truth.txt" "$WORK/v.txt" | wc -l) / $true_open" | bc -l)"
  printf '%-34s %10.3f %10d %7.1f%%\n' "nmap -sT -T4 -Pn -n" "$NT" "$(wc -l <"$WORK/n.txt")" "$(echo "100 * $(comm -12 "$WORK/truth.txt" "$WORK/n.txt" | wc -l) / $true_open" | bc -l)"
  printf 'rapport de temps vigie/nmap : %.2f ; faux ouverts vigie %d, nmap %d\n\n' "$(echo "$VT / $NT" | bc -l)" \
    "$(comm -13 "$WORK/truth.txt" "$WORK/v.txt" | wc -l)" "$(comm -13 "$WORK/truth.txt" "$WORK/n.txt" | wc -l)"
  kill "$HELPER_PID"; wait "$HELPER_PID" 2>/dev/null || true; HELPER_PID=""
}

portbench "Boucle locale, ports ouverts ou fermés" "$NP"
if command -v nft >/dev/null; then
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  portbench "Netns, un tiers des ports filtrés (nft drop)" "$((NP * 2 / 3))" "$NS"
else
  echo "(nftables absent : mesure avec ports filtrés ignorée ; apt-get install nftables)"
fi

# ---- 2. identification on the real daemons ---------------------------------------
if ! scripts/lab/netlab.sh status "$LAB_DIR" | grep -q ' up'; then
  scripts/lab/netlab.sh start "$LAB_DIR" >/dev/null
  LAB_STARTED=1
fi
LAB_HOSTS=$(seq -f '127.0.42.%g' 2 11 | tr '\n' ' ')
LAB_PORTS=21,22,23,80,104,443,445,3306,3389,5432,6379,8443
t0=$(now)
# shellcheck disable=SC2086
"$WORK/vigie" exposure scan $LAB_HOSTS --ports "$LAB_PORTS" --quiet --format json -o "$WORK/vid.json"
t1=$(now)
# shellcheck disable=SC2086
nmap -sV -T4 -Pn -n -p "$LAB_PORTS" -oX "$WORK/nid.xml" $LAB_HOSTS >/dev/null
t2=$(now)
jq -r '.hosts[] | .address as $a | .ports[] | "\($a):\(.port)\t\(.service // "")\t\(.product // "") \(.version // "")"' "$WORK/vid.json" | sort >"$WORK/vid.tsv"
python3 - "$WORK/nid.xml" >"$WORK/nid.tsv" <<'PY'
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    a = h.find("address").get("addr")
    for p in h.iter("port"):
        if p.find("state").get("state") != "open":
            continue
        s = p.find("service")
        name = s.get("name", "") if s is not None else ""
        prod = ((s.get("product", "") + " " + s.get("version", "")).strip()) if s is not None else ""
        print(f"{a}:{p.get('portid')}\t{name}\t{prod}")
PY
sort -o "$WORK/nid.tsv" "$WORK/nid.tsv"
echo
echo "== Identification sur les démons réels du lab ($(wc -l <"$WORK/vid.tsv") ports ouverts)"
printf 'vigie exposure scan : %.2f s ; nmap -sV -T4 : %.2f s ; rapport %.2f\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "($t1 - $t0) / ($t2 - $t1)" | bc -l)"
printf '%-18s | %-34s | %s\n' "port" "vigie (service, produit version)" "nmap -sV"
join -t $'\t' -a1 -a2 -e '-' -o 0,1.2,1.3,2.2,2.3 "$WORK/vid.tsv" "$WORK/nid.tsv" |
  awk -F'\t' '{printf "%-18s | %-34s | %s\n", $1, $2 ", " $3, $4 ", " $5}'
echo "produit identifié : vigie $(awk -F'\t' '$3 !~ /^ *$/' "$WORK/vid.tsv" | wc -l), nmap $(awk -F'\t' '$3 !~ /^ *$/' "$WORK/nid.tsv" | wc -l) ; constats vigie : $(jq -c .summary "$WORK/vid.json")"
bench/exposure-identify.sh # 3. identification on usual and moved ports, against the lab's truth
