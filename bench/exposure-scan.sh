#!/usr/bin/env bash
# Benchmark of `vigie exposure scan` against nmap on the same loopback targets.
#
#  1. Port scan: NH synthetic hosts × NP ports (20000…) where a Python helper
#     listens on about a third of the pairs; every port listed is one this
#     script opened on some address (never a range we do not own). Four tools
#     in the same run, in a rotating order: vigie --no-probe (connect scan) vs
#     nmap -sT -T4 -Pn -n, and vigie --no-probe --syn vs nmap -sS -T4 -Pn -n:
#     wall time (median of RUNS), recall and false opens against the ground
#     truth (worst pass). Twice: on the machine's loopback (127.0.45.x, every
#     port answers at once), then between two network namespaces of our own
#     joined by a veth (198.18.1.x, a benchmarking range that exists only
#     there), where nftables drops the last third of the ports (filtered, as
#     on the internet).
#  2. Identification: the real daemons of scripts/lab/netlab.sh, their ports only.
#     vigie (probes)  vs  nmap -sV -T4 -Pn -n : wall time, services identified.
#
# Needs root (lab, netns, SYN scans), nmap and nftables (installed from Debian if
# missing), python3, jq, bc.
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
  for ns in "$NS" "$NS-t"; do ip netns list 2>/dev/null | grep -qw "$ns" && ip netns del "$ns" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v nmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nmap >/dev/null
command -v nft >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nftables >/dev/null
go build -o "$WORK/vigie" ./cmd/vigie

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- 1. port scan -----------------------------------------------------------
# portbench LABEL FILTERED PREFIX [SCAN_NS TARGET_NS]: listeners on a third of
# the pairs of hosts PREFIX.1…NH; ports 20000+FILTERED… dropped by nftables
# (only inside our own target namespace), the rest closed.
portbench() {
  local label=$1 filtered=$2 prefix=$3 sns=${4:-} tns=${5:-} run=() trun=()
  [[ -n $sns ]] && run=(ip netns exec "$sns") && trun=(ip netns exec "$tns")
  rm -f "$WORK/truth.txt"
  "${trun[@]}" python3 - "$NH" "$NP" "$WORK/truth.txt" "$prefix" <<'PY' &
import socket, sys, time, os
nh, np_, out, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks, truth = [], []
for i in range(1, nh + 1):
    for j in range(np_):
        if (i + j) % 3 == 0:
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((f"{prefix}.{i}", 20000 + j)); s.listen(64); socks.append(s)
            truth.append(f"{prefix}.{i}:{20000 + j}")
open(out + ".tmp", "w").write("\n".join(truth) + "\n")
os.rename(out + ".tmp", out)
time.sleep(3600)
PY
  HELPER_PID=$!
  for _ in $(seq 100); do [[ -s $WORK/truth.txt ]] && break; sleep 0.1; done
  [[ -s $WORK/truth.txt ]] || { echo "listener helper failed" >&2; exit 1; }
  if [[ -n $tns && $filtered -lt $NP ]]; then
    "${trun[@]}" nft add table inet vigiebench
    "${trun[@]}" nft add chain inet vigiebench in '{ type filter hook input priority 0; }'
    "${trun[@]}" nft add rule inet vigiebench in tcp dport "$((20000 + filtered))-$((20000 + NP - 1))" drop
    # pairs behind the drop rule cannot be seen as open by anyone
    awk -F: -v lim=$((20000 + filtered)) '$2 < lim' "$WORK/truth.txt" >"$WORK/t" && mv "$WORK/t" "$WORK/truth.txt"
  fi
  local hosts ports="20000-$((20000 + NP - 1))" true_open r k tool t0 t1 found hit
  hosts=$(seq -f "$prefix.%g" 1 "$NH" | tr '\n' ' ')
  sort "$WORK/truth.txt" -o "$WORK/truth.txt"
  true_open=$(wc -l <"$WORK/truth.txt")
  local tools=(vigie-connect nmap-sT vigie-syn nmap-sS)
  declare -A times=() recall=() falses=() nfound=()
  echo "== $label : $NH hôtes × $NP ports = $((NH * NP)) couples, $true_open ouverts, médiane de $RUNS passes"
  echo "   charge avant : $(cut -d' ' -f1-3 /proc/loadavg)"
  for r in $(seq "$RUNS"); do
    for k in 0 1 2 3; do
      tool=${tools[$(((k + r) % 4))]}
      rm -f "$WORK/out.json" "$WORK/out.gnmap"
      t0=$(now)
      # shellcheck disable=SC2086
      case $tool in
      vigie-connect) "${run[@]}" "$WORK/vigie" exposure scan --allow-private-targets $hosts --ports "$ports" --no-probe --quiet --format json -o "$WORK/out.json" ;;
      vigie-syn) "${run[@]}" "$WORK/vigie" exposure scan --allow-private-targets $hosts --ports "$ports" --no-probe --syn --quiet --format json -o "$WORK/out.json" ;;
      nmap-sT) "${run[@]}" nmap -sT -T4 -Pn -n -p "$ports" -oG "$WORK/out.gnmap" $hosts >/dev/null ;;
      nmap-sS) "${run[@]}" nmap -sS -T4 -Pn -n -p "$ports" -oG "$WORK/out.gnmap" $hosts >/dev/null ;;
      esac
      t1=$(now)
      if [[ $tool == vigie-* ]]; then
        jq -r '.hosts[] | .address as $a | .ports[] | "\($a):\(.port)"' "$WORK/out.json" | sort >"$WORK/found.txt"
      else
        awk '/Ports:/ {h=$2; split($0, f, "Ports: "); m=split(f[2], ps, ", "); for (i=1;i<=m;i++) { split(ps[i], x, "/"); if (x[2]=="open") print h":"x[1] } }' \
          "$WORK/out.gnmap" | sort >"$WORK/found.txt"
      fi
      found=$(wc -l <"$WORK/found.txt")
      hit=$(comm -12 "$WORK/truth.txt" "$WORK/found.txt" | wc -l)
      times[$tool]+="$(echo "$t1 - $t0" | bc) "
      # worst pass: lowest recall, most false opens
      if [[ -z ${recall[$tool]:-} || $hit -lt ${recall[$tool]} ]]; then recall[$tool]=$hit; fi
      if [[ -z ${falses[$tool]:-} || $((found - hit)) -gt ${falses[$tool]} ]]; then falses[$tool]=$((found - hit)); fi
      nfound[$tool]=$found
    done
  done
  echo "   charge après : $(cut -d' ' -f1-3 /proc/loadavg)"
  declare -A med=()
  printf '%-44s %10s %10s %8s %7s\n' outil "temps (s)" "trouvés" rappel "faux"
  for tool in "${tools[@]}"; do
    med[$tool]=$(printf '%s\n' ${times[$tool]} | median)
    local cmd
    case $tool in
    vigie-connect) cmd="vigie exposure scan --no-probe" ;;
    vigie-syn) cmd="vigie exposure scan --no-probe --syn" ;;
    nmap-sT) cmd="nmap -sT -T4 -Pn -n" ;;
    nmap-sS) cmd="nmap -sS -T4 -Pn -n" ;;
    esac
    printf '%-44s %10.3f %10d %7.1f%% %7d\n' "$cmd" "${med[$tool]}" "${nfound[$tool]}" \
      "$(echo "100 * ${recall[$tool]} / $true_open" | bc -l)" "${falses[$tool]}"
    echo "   passes : ${times[$tool]}"
  done
  printf 'rapport de temps : connexion vigie/nmap -sT %.2f ; SYN vigie/nmap -sS %.2f\n\n' \
    "$(echo "${med[vigie-connect]} / ${med[nmap-sT]}" | bc -l)" "$(echo "${med[vigie-syn]} / ${med[nmap-sS]}" | bc -l)"
  kill "$HELPER_PID"; wait "$HELPER_PID" 2>/dev/null || true; HELPER_PID=""
}

echo "$(date -Iseconds) ; $(nproc) cœurs ; nmap $(nmap --version | awk 'NR==1 {print $3}') ; RUNS=$RUNS"
portbench "Boucle locale, ports ouverts ou fermés" "$NP" 127.0.45
ip netns add "$NS"
ip netns add "$NS-t"
ip -n "$NS" link add vigiebench0 type veth peer name vigiebench1 netns "$NS-t"
ip -n "$NS" addr add 198.18.1.254/24 dev vigiebench0
for i in $(seq "$NH"); do ip -n "$NS-t" addr add "198.18.1.$i/24" dev vigiebench1; done
for ns in "$NS" "$NS-t"; do ip -n "$ns" link set lo up; done
ip -n "$NS" link set vigiebench0 up
ip -n "$NS-t" link set vigiebench1 up
portbench "Deux netns reliés par une veth, un tiers des ports filtrés (nft drop)" "$((NP * 2 / 3))" 198.18.1 "$NS" "$NS-t"

# ---- 2. identification on the real daemons ---------------------------------------
if ! scripts/lab/netlab.sh status "$LAB_DIR" | grep -q ' up'; then
  scripts/lab/netlab.sh start "$LAB_DIR" >/dev/null
  LAB_STARTED=1
fi
LAB_HOSTS=$(seq -f '127.0.42.%g' 2 11 | tr '\n' ' ')
LAB_PORTS=21,22,23,80,104,443,445,3306,3389,5432,6379,8443
t0=$(now)
# shellcheck disable=SC2086
"$WORK/vigie" exposure scan --allow-private-targets $LAB_HOSTS --ports "$LAB_PORTS" --quiet --format json -o "$WORK/vid.json"
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
