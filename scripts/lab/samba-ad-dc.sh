#!/usr/bin/env bash
# samba-ad-dc.sh — Vigie's throwaway Samba AD domain controller, loopback only.
#
# Usage: samba-ad-dc.sh COMMAND [args] [DIR]
#   install          install the Debian packages (apt-get, falls back to apt-get update once)
#   start [DIR]      install if needed, provision DIR if needed, start samba on 127.0.0.1/::1,
#                    wait for LDAP and LDAPS, print LAB_AD_* connection variables
#   stop [DIR]       stop the DC started from DIR, by its PID file (zombie-aware)
#   status [DIR]     exit 0 when the DC runs and answers LDAP
#   env [DIR]        print the LAB_AD_* variables
#   seed [DIR]       add a few well-known weaknesses (idempotent, DC must run)
#   unseed [DIR]     remove what seed added (idempotent)
#   bulk N [DIR]     make sure N users vigiebulkNNNNNN exist (OU=VigieBulk*), plus N/10 groups
#                    with members and nested groups, via local ldbadd in 1,000-entry chunks
#   destroy [DIR]    stop and delete DIR
#   zone-update ZONE MODE [DIR]
#                    set a DNS zone's dynamic updates through the DNS management RPC, as the
#                    DNS console does (MODE 0 none, 1 unsecure, 2 secure only)
#   trust add DNS NETBIOS SID DIRECTION ATTRIBUTES [DIR] | trust del DNS [DIR]
#                    create or delete a trusted domain object through LSA (CreateTrustedDomainEx2,
#                    what netdom and samba-tool domain trust create use), without contacting the partner
#   lsa-secret add|del NAME [DIR]
#                    create or delete an LSA global secret (G$BCKUPKEY_P is stored as
#                    CN=BCKUPKEY_P Secret,CN=System: a DPAPI domain backup key)
#
# DIR defaults to /tmp/vigie-lab-ad. Nothing outside DIR is written except by apt-get.
# Only one DC per machine: samba always uses /run/samba/winbindd and the 127.0.0.1 ports
# 53 88 135 139 389 445 464 636 3268 3269.
#
# Environment: LAB_AD_REALM (LAB.TEST), LAB_AD_DOMAIN (LAB), LAB_AD_DC_NAME (DC1) — used to
# provision DIR, then remembered in DIR/.vigie-provisioned (a second lab domain lives in its own
# DIR, e.g. LAB_AD_REALM=CHILD.LAB.TEST LAB_AD_DOMAIN=CHILD LAB_AD_DC_NAME=DC2, started while
# the first is stopped),
# LAB_AD_ADMIN_PASSWORD, LAB_AD_STRONG_AUTH (no|yes), LAB_AD_START_TIMEOUT (120),
# LAB_AD_MAX_RUNTIME (0 = none; samba exits by itself after that many seconds).
set -euo pipefail

usage() { sed -n '2,35p' "$0" >&2; exit 2; }

CMD=${1:-start}
ARGS=()
case "$CMD" in
  install|start|stop|status|env|seed|unseed|destroy) shift || true ;;
  bulk) shift; N=${1:-}; [ -n "$N" ] || usage; shift ;;
  zone-update) shift; [ $# -ge 2 ] || usage; ARGS=("$1" "$2"); shift 2 ;;
  trust) shift; [ $# -ge 2 ] || usage
    case "$1" in
      add) [ $# -ge 6 ] || usage; ARGS=("$1" "$2" "$3" "$4" "$5" "$6"); shift 6 ;;
      del) ARGS=("$1" "$2"); shift 2 ;;
      *) usage ;;
    esac ;;
  lsa-secret) shift; [ $# -ge 2 ] || usage; case "$1" in add|del) ;; *) usage ;; esac; ARGS=("$1" "$2"); shift 2 ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
DIR=${1:-/tmp/vigie-lab-ad}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac

# A provisioned DIR remembers its realm, NetBIOS and DC names: later commands on it
# need no environment, and contradicting it is refused (it would rewrite smb.conf).
if [ -s "$DIR/.vigie-provisioned" ]; then
  while IFS='=' read -r k v; do
    case "$k" in LAB_AD_REALM|LAB_AD_DOMAIN|LAB_AD_DC_NAME) ;; *) continue ;; esac
    if [ -z "${!k:-}" ]; then declare "$k=$v"
    elif [ "${!k}" != "$v" ]; then echo "samba-ad-dc.sh: $DIR est provisionné avec $k=$v, pas ${!k}" >&2; exit 1
    fi
  done <"$DIR/.vigie-provisioned"
fi
REALM=${LAB_AD_REALM:-LAB.TEST}
NETBIOS=${LAB_AD_DOMAIN:-LAB}
DCNAME=${LAB_AD_DC_NAME:-DC1}
ADMINPW=${LAB_AD_ADMIN_PASSWORD:-Passw0rd!Lab123}
STRONG=${LAB_AD_STRONG_AUTH:-no}
TIMEOUT=${LAB_AD_START_TIMEOUT:-120}
MAXRUN=${LAB_AD_MAX_RUNTIME:-0}
HOST=127.0.0.1

DNSDOM=$(tr '[:upper:]' '[:lower:]' <<<"$REALM")
BASE="DC=${DNSDOM//./,DC=}"
CONF=$DIR/etc/smb.conf
SAM=$DIR/private/sam.ldb
PIDF=$DIR/run/samba.pid
TLSD=$DIR/private/vigie-tls

PKGS="samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind
  python3-markdown krb5-user ldb-tools ldap-utils smbclient openssl"

say() { printf '[vigie-lab-ad] %s\n' "$*" >&2; }
fail() { say "ERREUR : $*"; exit 1; }
clock() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(clock)" 'BEGIN{printf "%.1f", b-a}'; }

# A killed daemon stays a zombie until PID 1 reaps it (1-2 s here), and kill -0
# succeeds on zombies: look at the process state instead.
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [ -n "$s" ] && [ "${s:0:1}" != Z ]; }

samba_pid() {
  [ -s "$PIDF" ] || return 1
  local p; p=$(tr -cd 0-9 <"$PIDF")
  [ -n "$p" ] && alive "$p" && grep -qa samba "/proc/$p/cmdline" 2>/dev/null || return 1
  echo "$p"
}

ldap_ok() { ldapsearch -x -o nettimeout=2 -H "ldap://$HOST" -s base -b '' dnsHostName >/dev/null 2>&1; }
ldaps_ok() {
  LDAPTLS_CACERT=$TLSD/ca.pem ldapsearch -x -o nettimeout=2 -H "ldaps://$HOST" \
    -D "Administrator@$DNSDOM" -w "$ADMINPW" -s base -b "$BASE" dn >/dev/null 2>&1
}

do_install() {
  local want=0 have
  for p in $PKGS; do want=$((want + 1)); done
  have=$(dpkg-query -W -f='${db:Status-Abbrev}\n' $PKGS 2>/dev/null | grep -c '^ii' || true)
  [ "$have" -eq "$want" ] && return 0
  say "installation des paquets Debian (samba AD DC, ldap-utils, krb5-user…)"
  local t; t=$(clock)
  export DEBIAN_FRONTEND=noninteractive
  # samba-ad-provision is only a Recommends of samba-ad-dc, but provision needs its schema files.
  if ! apt-get install -y --no-install-recommends $PKGS >"/tmp/vigie-lab-ad-apt.log" 2>&1; then
    apt-get update >>"/tmp/vigie-lab-ad-apt.log" 2>&1 || true
    apt-get install -y --no-install-recommends $PKGS >>"/tmp/vigie-lab-ad-apt.log" 2>&1 \
      || fail "apt-get install a échoué, voir /tmp/vigie-lab-ad-apt.log"
  fi
  say "paquets installés en $(elapsed "$t") s"
}

# Go refuses Samba's self-made certificate (negative serial, no SAN): make a small CA.
make_tls() {
  [ -s "$TLSD/ca.pem" ] && [ -s "$TLSD/cert.pem" ] && [ -s "$TLSD/key.pem" ] && return 0
  mkdir -p "$TLSD"; chmod 700 "$TLSD"
  local fqdn; fqdn=$(tr '[:upper:]' '[:lower:]' <<<"$DCNAME.$DNSDOM")
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -set_serial 1 \
    -keyout "$TLSD/ca.key" -out "$TLSD/ca.pem" -subj "/O=Vigie lab/CN=Vigie lab CA $REALM" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$TLSD/key.pem" -out "$TLSD/dc.csr" \
    -subj "/O=Vigie lab/CN=$fqdn" 2>/dev/null
  cat >"$TLSD/dc.ext" <<EOF
subjectAltName=DNS:$fqdn,DNS:$DNSDOM,DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment
basicConstraints=CA:FALSE
EOF
  openssl x509 -req -in "$TLSD/dc.csr" -CA "$TLSD/ca.pem" -CAkey "$TLSD/ca.key" -set_serial 2 \
    -days 3650 -extfile "$TLSD/dc.ext" -out "$TLSD/cert.pem" 2>/dev/null
  chmod 600 "$TLSD/key.pem" "$TLSD/ca.key"   # samba refuses a world-readable key
}

# Rewrite smb.conf: keep the provisioned identity, drop the DNS forwarder copied from the
# host resolver, printers and mail-sending panic action; put every runtime path under DIR.
write_conf() {
  local orig=$DIR/etc/smb.conf.orig
  [ -f "$orig" ] || cp "$CONF" "$orig"
  make_tls
  {
    echo "# written by scripts/lab/samba-ad-dc.sh (original: smb.conf.orig)"
    echo "[global]"
    awk '/^\[/{g=($0=="[global]")} g && /=/' "$orig" | grep -Eiv \
      '^\s*(dns forwarder|log file|logging|max log size|panic action|interfaces|bind interfaces only|tls [a-z]+|ldap server require strong auth)\s*=' || true
    cat <<EOF
	interfaces = 127.0.0.1 ::1
	bind interfaces only = yes
	pid directory = $DIR/run
	ncalrpc dir = $DIR/run/ncalrpc
	ntp signd socket directory = $DIR/run/ntp_signd
	log file = $DIR/log/samba.log
	max log size = 10000
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
	ldap server require strong auth = $STRONG
	tls enabled = yes
	tls keyfile = $TLSD/key.pem
	tls certfile = $TLSD/cert.pem
	tls cafile = $TLSD/ca.pem

[sysvol]
	path = $DIR/state/sysvol
	read only = No

[netlogon]
	path = $DIR/state/sysvol/$DNSDOM/scripts
	read only = No
EOF
  } >"$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
  mkdir -p "$DIR/run" "$DIR/log"
  # Kerberos client configuration without DNS lookups (the provisioned one queries DNS).
  cat >"$DIR/krb5.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
[realms]
	$REALM = {
		kdc = 127.0.0.1
		admin_server = 127.0.0.1
	}
[domain_realm]
	.$DNSDOM = $REALM
	$DNSDOM = $REALM
EOF
}

do_provision() {
  if [ -f "$DIR/.vigie-provisioned" ]; then write_conf; return 0; fi
  samba_pid >/dev/null && fail "$DIR : un samba tourne mais le provisionnement est incomplet"
  rm -rf "$DIR"; mkdir -p "$DIR"
  say "provisionnement de $REALM dans $DIR"
  local t; t=$(clock)
  samba-tool domain provision --targetdir="$DIR" --realm="$REALM" --domain="$NETBIOS" \
    --host-name="$DCNAME" --server-role=dc --dns-backend=SAMBA_INTERNAL --use-rfc2307 \
    --backend-store=mdb --adminpass="$ADMINPW" --host-ip=127.0.0.1 \
    --option="interfaces=127.0.0.1 ::1" --option="bind interfaces only=yes" >"$DIR/provision.log" 2>&1 \
    || { tail -15 "$DIR/provision.log" >&2; fail "samba-tool domain provision a échoué"; }
  write_conf
  printf 'LAB_AD_REALM=%s\nLAB_AD_DOMAIN=%s\nLAB_AD_DC_NAME=%s\n' "$REALM" "$NETBIOS" "$DCNAME" >"$DIR/.vigie-provisioned"
  say "provisionné en $(elapsed "$t") s"
}

do_start() {
  if p=$(samba_pid); then say "déjà démarré (pid $p)"; return 0; fi
  if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE '^(127\.0\.0\.1|0\.0\.0\.0|\*):389$'; then
    fail "127.0.0.1:389 est déjà occupé (un autre contrôleur de domaine ?)"
  fi
  rm -f "$PIDF"
  local t; t=$(clock) extra=()
  [ "$MAXRUN" != 0 ] && extra=(--maximum-runtime="$MAXRUN")
  samba -D -s "$CONF" "${extra[@]}" || fail "samba n'a pas démarré, voir $DIR/log/"
  local end=$(( $(date +%s) + TIMEOUT ))
  until ldap_ok && ldaps_ok; do
    [ "$(date +%s)" -lt "$end" ] || fail "LDAP/LDAPS ne répond pas après ${TIMEOUT} s, voir $DIR/log/"
    sleep 0.2
  done
  say "démarré (pid $(samba_pid)) en $(elapsed "$t") s"
}

do_stop() {
  local p
  if ! p=$(samba_pid); then say "pas démarré"; rm -f "$PIDF"; return 0; fi
  kill -TERM "$p"
  for _ in $(seq 100); do alive "$p" || break; sleep 0.1; done
  if alive "$p"; then
    say "samba $p toujours vivant après 10 s : KILL de son groupe"
    kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
  fi
  # the prefork workers, smbd and winbindd leave with the root process
  for _ in $(seq 50); do
    local busy=0
    for q in $(pgrep -s "$p" 2>/dev/null || true); do alive "$q" && busy=1; done
    [ $busy = 0 ] && break
    sleep 0.1
  done
  rm -f "$PIDF"
  say "arrêté (pid $p)"
}

do_env() {
  cat <<EOF
LAB_AD_DIR=$DIR
LAB_AD_HOST=$HOST
LAB_AD_LDAP_PORT=389
LAB_AD_LDAPS_PORT=636
LAB_AD_BASE_DN=$BASE
LAB_AD_REALM=$REALM
LAB_AD_DOMAIN=$NETBIOS
LAB_AD_DNS_DOMAIN=$DNSDOM
LAB_AD_DC_FQDN=$(tr '[:upper:]' '[:lower:]' <<<"$DCNAME.$DNSDOM")
LAB_AD_ADMIN_USER=Administrator
LAB_AD_ADMIN_UPN=Administrator@$DNSDOM
LAB_AD_ADMIN_PASSWORD='$ADMINPW'
LAB_AD_CA_CERT=$TLSD/ca.pem
LAB_AD_KRB5_CONFIG=$DIR/krb5.conf
LAB_AD_STRONG_AUTH=$STRONG
LAB_AD_SMB_CONF=$CONF
LAB_AD_SAM_LDB=$SAM
EOF
}

lmod() { LDAPTLS_CACERT=$TLSD/ca.pem ldapmodify -x -c -H "ldaps://$HOST" -D "Administrator@$DNSDOM" -w "$ADMINPW" "$@"; }
pwattr() { printf '"%s"' "$1" | iconv -f utf-8 -t utf-16le | base64 -w0; }

# seed: a handful of known weaknesses for people trying the tool by hand. The Go
# end-to-end tests seed their own over LDAP.
SEED_USERS="vigie_kerb_admin vigie_asrep vigie_noexpire_admin"
SEED_COMPUTERS="VIGIE-UNCON"
do_seed() {
  samba_pid >/dev/null || fail "le DC ne tourne pas ; lancer : $0 start $DIR"
  local U="CN=Users,$BASE" pw; pw=$(pwattr 'Vigie!Lab#Passw0rd1')
  {
    printf 'dn: CN=vigie_kerb_admin,%s\nchangetype: add\nobjectClass: user\nsAMAccountName: vigie_kerb_admin\nunicodePwd:: %s\nuserAccountControl: 512\nservicePrincipalName: MSSQLSvc/sql.%s:1433\nadminCount: 1\n\n' "$U" "$pw" "$DNSDOM"
    printf 'dn: CN=vigie_asrep,%s\nchangetype: add\nobjectClass: user\nsAMAccountName: vigie_asrep\nunicodePwd:: %s\nuserAccountControl: 4194816\n\n' "$U" "$pw"
    printf 'dn: CN=vigie_noexpire_admin,%s\nchangetype: add\nobjectClass: user\nsAMAccountName: vigie_noexpire_admin\nunicodePwd:: %s\nuserAccountControl: 66048\nadminCount: 1\n\n' "$U" "$pw"
    printf 'dn: CN=VIGIE-UNCON,CN=Computers,%s\nchangetype: add\nobjectClass: computer\nsAMAccountName: VIGIE-UNCON$\nuserAccountControl: 528384\noperatingSystem: Windows Server 2008 R2 Standard\n\n' "$BASE"
    for u in vigie_kerb_admin vigie_noexpire_admin; do
      printf 'dn: CN=Domain Admins,%s\nchangetype: modify\nadd: member\nmember: CN=%s,%s\n-\n\n' "$U" "$u" "$U"
    done
    printf 'dn: CN=Pre-Windows 2000 Compatible Access,CN=Builtin,%s\nchangetype: modify\nadd: member\nmember: <SID=S-1-5-7>\n-\n\n' "$BASE"
  } >"$DIR/seed.ldif"
  lmod -f "$DIR/seed.ldif" >"$DIR/seed.log" 2>&1 || true
  if grep -E '^ldap_(add|modify):' "$DIR/seed.log" | grep -vqE 'Already exists|Type or value exists'; then
    fail "seed : ldapmodify a échoué (voir $DIR/seed.log)"
  fi
  say "faiblesses ajoutées (journal : $DIR/seed.log)"
}

do_unseed() {
  samba_pid >/dev/null || fail "le DC ne tourne pas"
  local U="CN=Users,$BASE"
  {
    printf 'dn: CN=Pre-Windows 2000 Compatible Access,CN=Builtin,%s\nchangetype: modify\ndelete: member\nmember: <SID=S-1-5-7>\n-\n\n' "$BASE"
    for u in $SEED_USERS; do printf 'dn: CN=%s,%s\nchangetype: delete\n\n' "$u" "$U"; done
    for c in $SEED_COMPUTERS; do printf 'dn: CN=%s,CN=Computers,%s\nchangetype: delete\n\n' "$c" "$BASE"; done
  } >"$DIR/unseed.ldif"
  lmod -f "$DIR/unseed.ldif" >"$DIR/unseed.log" 2>&1 || true
  # already removed: "No such object", "No such attribute" or Samba's "already deleted" (53)
  if grep -A1 -E '^ldap_(delete|modify):' "$DIR/unseed.log" | grep -E '^ldap_|additional info' \
      | grep -vE 'No such object|No such attribute|unwilling to perform|does not exist|already deleted' | grep -q .; then
    fail "unseed : ldapmodify a échoué (voir $DIR/unseed.log)"
  fi
  say "faiblesses retirées"
}

# bulk N: N users in OUs of 1,000 (large one-level indexes slow adds down), N/10 groups of
# 20 users each; every 10th group also contains the previous group (nesting). Local ldbadd on
# LMDB in 1,000-entry chunks: one big transaction is superlinear.
do_bulk() {
  [ -f "$SAM" ] || fail "pas provisionné : $DIR"
  local t; t=$(clock) chunk=1000
  local have
  have=$(ldbsearch -H "$SAM" --configfile="$CONF" -s sub -b "$BASE" '(sAMAccountName=vigiebulk*)' dn 2>/dev/null | grep -c '^dn:' || true)
  if [ "$have" -lt "$N" ]; then
    local i=$have
    say "bulk : $have utilisateurs présents, création jusqu'à $N"
    while [ "$i" -lt "$N" ]; do
      local ou=$((i / chunk)) end=$(( (i / chunk + 1) * chunk )); [ "$end" -gt "$N" ] && end=$N
      {
        ldbsearch -H "$SAM" --configfile="$CONF" -s base -b "OU=VigieBulk$ou,$BASE" dn 2>/dev/null | grep -q '^dn:' \
          || printf 'dn: OU=VigieBulk%s,%s\nobjectClass: organizationalUnit\n\n' "$ou" "$BASE"
        awk -v s="$i" -v e="$end" -v ou="OU=VigieBulk$ou,$BASE" -v d="$DNSDOM" 'BEGIN{
          for (k = s; k < e; k++) { u = sprintf("vigiebulk%06d", k)
            printf "dn: CN=%s,%s\nobjectClass: user\nsAMAccountName: %s\nuserPrincipalName: %s@%s\nsn: Bulk%d\ndepartment: Service%d\n\n", u, ou, u, u, d, k, k % 40 } }'
      } >"$DIR/bulk.ldif"
      ldbadd -H "$SAM" --configfile="$CONF" "$DIR/bulk.ldif" >/dev/null 2>"$DIR/bulk.err" || { tail -3 "$DIR/bulk.err" >&2; fail "ldbadd utilisateurs à $i"; }
      i=$end
    done
  fi
  local ng=$((N / 10)) hg
  hg=$(ldbsearch -H "$SAM" --configfile="$CONF" -s sub -b "$BASE" '(sAMAccountName=vigiebulkgrp*)' dn 2>/dev/null | grep -c '^dn:' || true)
  if [ "$hg" -lt "$ng" ]; then
    say "bulk : $hg groupes présents, création jusqu'à $ng"
    local g=$hg
    ldbsearch -H "$SAM" --configfile="$CONF" -s base -b "OU=VigieBulkGroups,$BASE" dn 2>/dev/null | grep -q '^dn:' || \
      printf 'dn: OU=VigieBulkGroups,%s\nobjectClass: organizationalUnit\n\n' "$BASE" | ldbadd -H "$SAM" --configfile="$CONF" >/dev/null
    while [ "$g" -lt "$ng" ]; do
      local end=$((g + chunk)); [ "$end" -gt "$ng" ] && end=$ng
      awk -v s="$g" -v e="$end" -v n="$N" -v b="$BASE" 'BEGIN{
        for (k = s; k < e; k++) { gname = sprintf("vigiebulkgrp%05d", k)
          printf "dn: CN=%s,OU=VigieBulkGroups,%s\nobjectClass: group\nsAMAccountName: %s\n", gname, b, gname
          for (m = 0; m < 20; m++) { u = (k * 10 + m) % n
            printf "member: CN=vigiebulk%06d,OU=VigieBulk%d,%s\n", u, int(u / 1000), b }
          if (k % 10 == 9) printf "member: CN=vigiebulkgrp%05d,OU=VigieBulkGroups,%s\n", k - 1, b
          printf "\n" } }' >"$DIR/bulk.ldif"
      ldbadd -H "$SAM" --configfile="$CONF" "$DIR/bulk.ldif" >/dev/null 2>"$DIR/bulk.err" || { tail -3 "$DIR/bulk.err" >&2; fail "ldbadd groupes à $g"; }
      g=$end
    done
  fi
  rm -f "$DIR/bulk.ldif"
  say "bulk : $N utilisateurs et $ng groupes présents ($(elapsed "$t") s)"
}

# The DC's own RPC services, reached the way its administration tools reach
# them: DNS management over TCP with the administrator's credentials, LSA
# locally as SYSTEM (ncalrpc, as samba-tool does on a DC).
rpc_py() {
  samba_pid >/dev/null || fail "le DC ne tourne pas ; lancer : $0 start $DIR"
  LAB_CONF=$CONF LAB_PW=$ADMINPW LAB_DOMAIN=$NETBIOS LAB_DNSDOM=$DNSDOM LAB_DC=$DCNAME /usr/bin/python3 - "$@"
}

do_zone_update() {
  rpc_py "${ARGS[@]}" <<'PY'
import os, sys
from samba.dcerpc import dnsserver
from samba.param import LoadParm
from samba.credentials import Credentials
lp = LoadParm(); lp.load(os.environ["LAB_CONF"])
creds = Credentials(); creds.guess(lp)
creds.set_username("Administrator"); creds.set_domain(os.environ["LAB_DOMAIN"]); creds.set_password(os.environ["LAB_PW"])
conn = dnsserver.dnsserver("ncacn_ip_tcp:127.0.0.1[sign]", lp, creds)
p = dnsserver.DNS_RPC_NAME_AND_PARAM()
p.pszNodeName, p.dwParam = "AllowUpdate", int(sys.argv[2])
conn.DnssrvOperation2(dnsserver.DNS_CLIENT_VERSION_LONGHORN, 0, "127.0.0.1", sys.argv[1], 0,
                      "ResetDwordProperty", dnsserver.DNSSRV_TYPEID_NAME_AND_PARAM, p)
PY
  say "zone ${ARGS[0]} : mises à jour dynamiques = ${ARGS[1]}"
}

do_trust() {
  rpc_py "${ARGS[@]}" <<'PY'
import os, sys
import samba
from samba.dcerpc import lsa, drsblobs, security
from samba.param import LoadParm
from samba.trust_utils import CreateTrustedDomainRelax
from samba import NTSTATUSError
lp = LoadParm(); lp.load(os.environ["LAB_CONF"])
conn = lsa.lsarpc("ncalrpc:%s[,auth_type=ncalrpc_as_system]" % os.environ["LAB_DC"], lp, None)
policy = conn.OpenPolicy2("", lsa.ObjectAttribute(), security.SEC_FLAG_MAXIMUM_ALLOWED)
op, dns = sys.argv[1], sys.argv[2]
name = lsa.String(); name.string = dns
try:
    h = conn.OpenTrustedDomainByName(policy, name, security.SEC_STD_DELETE)
    if op == "add":
        sys.exit(0)  # already there
    conn.DeleteObject(h)
    sys.exit(0)
except NTSTATUSError:
    if op == "del":
        sys.exit(0)  # already gone
info = lsa.TrustDomainInfoInfoEx()
info.domain_name = lsa.StringLarge(); info.domain_name.string = dns
info.netbios_name = lsa.StringLarge(); info.netbios_name.string = sys.argv[3]
info.sid = security.dom_sid(sys.argv[4])
info.trust_direction = int(sys.argv[5])
info.trust_type = lsa.LSA_TRUST_TYPE_UPLEVEL
info.trust_attributes = int(sys.argv[6], 0)
def blob(secret):
    clear = drsblobs.AuthInfoClear(); clear.size = len(secret); clear.password = secret
    ai = drsblobs.AuthenticationInformation()
    ai.LastUpdateTime = samba.unix2nttime(samba.current_unix_time())
    ai.AuthType = lsa.TRUST_AUTH_TYPE_CLEAR; ai.AuthInfo = clear
    arr = drsblobs.AuthenticationInformationArray(); arr.count = 1; arr.array = [ai]
    b = drsblobs.trustAuthInOutBlob(); b.count = 1; b.current = arr
    return b
secret = list(os.urandom(64))
CreateTrustedDomainRelax(conn, policy, info, lsa.LSA_TRUSTED_DOMAIN_ALL_ACCESS, blob(secret), blob(secret))
PY
  say "approbation ${ARGS[0]} ${ARGS[1]}"
}

do_lsa_secret() {
  rpc_py "${ARGS[@]}" <<'PY'
import os, sys
from samba.dcerpc import lsa, security
from samba.param import LoadParm
from samba import NTSTATUSError
lp = LoadParm(); lp.load(os.environ["LAB_CONF"])
conn = lsa.lsarpc("ncalrpc:%s[,auth_type=ncalrpc_as_system]" % os.environ["LAB_DC"], lp, None)
policy = conn.OpenPolicy2("", lsa.ObjectAttribute(), security.SEC_FLAG_MAXIMUM_ALLOWED)
name = lsa.String(); name.string = sys.argv[2]
try:
    h = conn.OpenSecret(policy, name, security.SEC_STD_DELETE)
    if sys.argv[1] == "del":
        conn.DeleteObject(h)
except NTSTATUSError:
    if sys.argv[1] == "add":
        conn.CreateSecret(policy, name, lsa.LSA_SECRET_ALL_ACCESS)
PY
  say "secret LSA ${ARGS[1]} : ${ARGS[0]}"
}

case "$CMD" in
  install) do_install ;;
  start) do_install; do_provision; do_start; do_env ;;
  stop) do_stop ;;
  status) if p=$(samba_pid) && ldap_ok; then echo "démarré pid=$p"; else echo "arrêté"; exit 1; fi ;;
  env) do_env ;;
  seed) do_seed ;;
  unseed) do_unseed ;;
  bulk) do_bulk ;;
  destroy) do_stop; rm -rf "$DIR"; say "$DIR supprimé" ;;
  zone-update) do_zone_update ;;
  trust) do_trust ;;
  lsa-secret) do_lsa_secret ;;
esac
