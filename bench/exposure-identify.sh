#!/usr/bin/env bash
# Identification benchmark of `vigie exposure scan` against `nmap -sV -T4`, in
# the same run, on the real daemons of scripts/lab/netlab.sh: each service on
# its usual port and moved to an unusual one (plus Orthanc, a FHIR-like
# endpoint and, when Samba is installed, the lab DC's LDAP, Kerberos and RPC
# through the lab's relays). Every port listed is one the lab opened.
#
# For each tool: wall time (median of RUNS), services identified correctly
# against the lab's truth below (same protocol; nmap's guesses from the port
# number alone — method "table" — do not count), and products named
# correctly. Reports the time ratio vigie/nmap and the load average.
#
# Needs root (lab), nmap, python3. Env: RUNS (3), LAB_DIR (/tmp/vigie-netlab),
# AD (1: include the Samba DC when samba is installed), AD_DIR
# (/tmp/vigie-lab-ad), VIGIE_SCAN_FLAGS (extra flags for vigie exposure scan).
# The lab is held with flock /tmp/vigie-netlab-use.lock (and the DC with
# /tmp/vigie-lab-ad.lock) for the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
LAB_DIR=${LAB_DIR:-/tmp/vigie-netlab}
AD=${AD:-1}
AD_DIR=${AD_DIR:-/tmp/vigie-lab-ad}
WORK=$(mktemp -d)
LAB_STARTED=""
AD_STARTED=""

cleanup() {
  [[ -n $LAB_STARTED ]] && scripts/lab/netlab.sh stop "$LAB_DIR" || true
  [[ -n $AD_STARTED ]] && scripts/lab/samba-ad-dc.sh stop "$AD_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v nmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nmap >/dev/null
go build -o "$WORK/vigie" ./cmd/vigie

# lock FILE: hold it for the rest of the run, unless a calling process (e.g.
# `flock FILE bench/exposure-scan.sh`) already does: waiting on it would never end.
lock() {
  local pid=$$ f
  while [[ $pid -gt 1 ]]; do
    for f in /proc/"$pid"/fd/*; do
      [[ $(readlink "$f" 2>/dev/null) == "$1" ]] && [[ $pid != "$$" ]] && return 0
    done
    pid=$(awk '{print $4}' /proc/"$pid"/stat 2>/dev/null) || return 1
  done
  exec {fd}>"$1"
  flock "$fd"
}
lock /tmp/vigie-netlab-use.lock
if scripts/lab/netlab.sh status "$LAB_DIR" | grep -q ' down'; then
  scripts/lab/netlab.sh start "$LAB_DIR" >/dev/null
  LAB_STARTED=1
fi

# The lab's truth: address:port, protocol, product (a case-insensitive
# regular expression; empty when the daemon announces none).
cat >"$WORK/truth.tsv" <<'TRUTH'
127.0.42.2:80	http	nginx
127.0.42.2:443	https	nginx
127.0.42.2:8443	https	nginx
127.0.42.2:7080	http	nginx
127.0.42.2:7443	https	nginx
127.0.42.3:22	ssh	openssh
127.0.42.3:2244	ssh	openssh
127.0.42.4:21	ftp	vsftpd
127.0.42.5:6379	redis	redis
127.0.42.5:7000	redis	redis
127.0.42.6:5432	postgresql	postgresql
127.0.42.6:15432	postgresql	postgresql
127.0.42.7:3306	mysql	mariadb|mysql
127.0.42.7:13306	mysql	mariadb|mysql
127.0.42.8:23	telnet	
127.0.42.8:10023	telnet	
127.0.42.9:445	smb	samba|smb
127.0.42.9:4450	smb	samba|smb
127.0.42.10:104	dicom	dcmtk
127.0.42.10:2104	dicom	dcmtk
127.0.42.11:3389	rdp	xrdp|rdp
127.0.42.11:33890	rdp	xrdp|rdp
127.0.42.12:4242	dicom	dcmtk|orthanc
127.0.42.12:8042	http	orthanc
127.0.42.12:8765	http	orthanc
127.0.42.14:8080	http	fhir
127.0.42.14:8081	http	fhir
127.0.42.14:18080	http	fhir
TRUTH
HOSTS=$(seq -f '127.0.42.%g' 2 12 | tr '\n' ' ')127.0.42.14

if [[ $AD == 1 ]] && command -v samba >/dev/null; then
  lock /tmp/vigie-lab-ad.lock
  if ! timeout 1 bash -c '>/dev/tcp/127.0.0.1/389' 2>/dev/null; then
    scripts/lab/samba-ad-dc.sh start "$AD_DIR" >/dev/null
    AD_STARTED=1
  fi
  cat >>"$WORK/truth.tsv" <<'TRUTH'
127.0.42.13:389	ldap	samba
127.0.42.13:10389	ldap	samba
127.0.42.13:636	ldaps	samba
127.0.42.13:88	kerberos	
127.0.42.13:10088	kerberos	
127.0.42.13:135	msrpc	
127.0.42.13:10135	msrpc	
TRUTH
  HOSTS="$HOSTS 127.0.42.13"
fi
PORTS=$(cut -f1 "$WORK/truth.tsv" | cut -d: -f2 | sort -un | paste -sd,)

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
vt=() nt=()
for r in $(seq "$RUNS"); do
  t0=$(now)
  # shellcheck disable=SC2086
  "$WORK/vigie" exposure scan --allow-private-targets $HOSTS --ports "$PORTS" ${VIGIE_SCAN_FLAGS:-} --quiet --format json -o "$WORK/v$r.json"
  t1=$(now)
  # shellcheck disable=SC2086
  nmap -sV -T4 -Pn -n -p "$PORTS" -oX "$WORK/n$r.xml" $HOSTS >/dev/null
  t2=$(now)
  vt+=("$(echo "$t1 - $t0" | bc)")
  nt+=("$(echo "$t2 - $t1" | bc)")
done
VT=$(printf '%s\n' "${vt[@]}" | median)
NT=$(printf '%s\n' "${nt[@]}" | median)

python3 - "$WORK" "$RUNS" "$VT" "$NT" "${vt[*]}" "${nt[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET

work, runs, vt, nt, vruns, nruns, load = sys.argv[1:]
runs = int(runs)
truth_file = work + "/truth.tsv"
# Protocol names of each tool mapped to the truth's classes.
ALIASES = {
    "https": {"https", "ssl/http", "ssl/https", "ssl/http-proxy", "ssl/http-alt", "ssl/https-alt"},
    "http": {"http", "http-proxy", "http-alt"}, "ssh": {"ssh"}, "ftp": {"ftp"},
    "redis": {"redis"}, "postgresql": {"postgresql"}, "mysql": {"mysql"}, "telnet": {"telnet"},
    "smb": {"smb", "microsoft-ds", "netbios-ssn"}, "dicom": {"dicom", "acr-nema", "dicom-iscl"},
    "rdp": {"rdp", "ms-wbt-server"}, "ldap": {"ldap"}, "ldaps": {"ldaps", "ssl/ldap"},
    "kerberos": {"kerberos", "kerberos-sec"}, "msrpc": {"msrpc"},
}
truth = {}
for line in open(truth_file):
    addr, cls, prod = (line.rstrip("\n").split("\t") + ["", ""])[:3]
    truth[addr] = (cls, prod)

def vigie(path):
    out = {}
    for h in json.load(open(path)).get("hosts", []):
        for p in h.get("ports", []):
            out[f'{h["address"]}:{p["port"]}'] = (p.get("service", ""), (p.get("product", "") + " " + p.get("version", "")).strip())
    return out

def nmap(path):
    out = {}
    for h in ET.parse(path).getroot().iter("host"):
        a = h.find("address").get("addr")
        for p in h.iter("port"):
            if p.find("state").get("state") != "open":
                continue
            s = p.find("service")
            name = prod = ""
            if s is not None and s.get("method") == "probed":
                name = s.get("name", "")
                if s.get("tunnel") == "ssl":
                    name = "ssl/" + name
                prod = (s.get("product", "") + " " + s.get("version", "")).strip()
            out[f'{a}:{p.get("portid")}'] = (name, prod)
    return out

vigs = [vigie(f"{work}/v{r}.json") for r in range(1, runs + 1)]
nms = [nmap(f"{work}/n{r}.xml") for r in range(1, runs + 1)]
vig, nm = vigs[-1], nms[-1]

def score(found):
    svc = prod = 0
    for addr, (cls, want) in truth.items():
        name, product = found.get(addr, ("", ""))
        ok = name in ALIASES.get(cls, {cls})
        svc += ok
        if ok and (not want or re.search(want, product, re.I)):
            prod += ok
    return svc, prod

n = len(truth)
print(f"== Identification sur le lab : {n} ports (services habituels et déplacés), médiane de {len(vruns.split())} passes")
print(f"   passes vigie : {vruns} ; passes nmap : {nruns} ; charge : {load}")
print(f"(détail de la dernière passe)\n{'port':<20} {'vérité':<11} | {'vigie':<40} | nmap -sV")
for addr in sorted(truth, key=lambda a: (tuple(int(x) for x in a.split(':')[0].split('.')), int(a.split(':')[1]))):
    cls, _ = truth[addr]
    def cell(found):
        name, product = found.get(addr, ("", ""))
        mark = "✓" if name in ALIASES.get(cls, {cls}) else "✗"
        return f"{mark} {name or '-'} {product}".strip()[:40]
    print(f"{addr:<20} {cls:<11} | {cell(vig):<40} | {cell(nm)}")
def spread(scores, i):
    lo, hi = min(s[i] for s in scores), max(s[i] for s in scores)
    return f"{lo}/{n}" if lo == hi else f"{lo}–{hi}/{n}"

vsc = [score(v) for v in vigs]
nsc = [score(x) for x in nms]
print(f"\n{'outil':<34} {'temps (s)':>10} {'service juste':>14} {'+ produit':>10}   (toutes les passes)")
print(f"{'vigie exposure scan':<34} {float(vt):>10.2f} {spread(vsc, 0):>14} {spread(vsc, 1):>10}")
print(f"{'nmap -sV -T4 -Pn -n':<34} {float(nt):>10.2f} {spread(nsc, 0):>14} {spread(nsc, 1):>10}")
worst = min(s[0] for s in vsc) - max(s[0] for s in nsc)
print(f"rapport de temps vigie/nmap : {float(vt)/float(nt):.3f} (objectif ≤ 0,1) ; identifications justes, pire passe de vigie − meilleure de nmap : {worst:+d} (objectif ≥ 0)")
PY
