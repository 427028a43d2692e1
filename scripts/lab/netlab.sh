#!/usr/bin/env bash
# Vigie exposure lab: real Debian 12 daemons, each on its own loopback address
# (127.0.42.0/24), as targets for the end-to-end tests of `vigie exposure scan`
# and for bench/exposure-scan.sh. No systemd: every daemon is started by hand,
# its PID recorded under $DIR/pids, and stopped by that PID only.
#
#   netlab.sh install        install the Debian packages (apt-get)
#   netlab.sh start [DIR]    start the services (default DIR /tmp/vigie-netlab)
#   netlab.sh stop [DIR]     stop them, remove the lo address and the netns
#   netlab.sh status [DIR]   print "service address:port up|down"
#
# LAB_SERVICES selects a subset (e.g. "redis ssh"). Addresses and what a scan
# sees; the second port of a line is the same service moved to an unusual port
# (natively where the daemon can listen twice, else through a socat relay):
#   web      127.0.42.2  80 (HTTP), 443 (TLS 1.0–1.3, self-signed), 8443 (expired cert);
#                        moved: 7080 (HTTP), 7443 (HTTPS)
#   ssh      127.0.42.3  22   OpenSSH 9.2; moved: 2244
#   ftp      127.0.42.4  21   vsftpd 3.0.3, anonymous login
#   redis    127.0.42.5  6379 no password; moved: 7000
#   postgres 127.0.42.6  5432 trust authentication; moved: 15432
#   mariadb  127.0.42.7  3306 MariaDB 10.11; moved: 13306
#   telnet   127.0.42.8  23   inetutils telnetd; moved: 10023
#   smb      127.0.42.9  445  smbd with SMB1 allowed (address added to lo: smbd needs it); moved: 4450
#                        (smbd treats any port but 445 as NetBIOS, so the move is a relay, as a NAT rule)
#   dicom    127.0.42.10 104  dcmtk storescp in netns "vigie-dicom", bridged by socat; moved: 2104
#   rdp      127.0.42.11 3389 xrdp; moved: 33890
#   orthanc  127.0.42.12 4242 (DICOM), 8042 (REST API and DICOMweb, no authentication, one
#                        fictitious patient) — Debian's Orthanc in netns "vigie-pacs"; moved: 8765 (REST)
#   adfwd    127.0.42.13 389 (LDAP), 88 (Kerberos), 135 (RPC endpoint mapper), 636 (LDAPS):
#                        relays to the Samba lab DC on 127.0.0.1 (scripts/lab/samba-ad-dc.sh, to be
#                        started separately under /tmp/vigie-lab-ad.lock); moved: 10389, 10088, 10135
#   fhir     127.0.42.14 8080 (/fhir, patients readable anonymously), 8081 (/fhir, patients behind
#                        a token) — scripts/lab/fhir-lab.py; moved: 18080 (the anonymous one)
set -euo pipefail

ACTION=${1:-status}
DIR=${2:-/tmp/vigie-netlab}
ALL_SERVICES="web ssh ftp redis postgres mariadb telnet smb dicom rdp orthanc adfwd fhir"
LAB_SERVICES=${LAB_SERVICES:-$ALL_SERVICES}
PIDS="$DIR/pids"
NS=vigie-dicom
PACS_NS=vigie-pacs
SMB_ADDR=127.0.42.9
HERE=$(cd "$(dirname "$0")" && pwd)

say() { printf 'netlab: %s\n' "$*" >&2; }
fail() { say "erreur : $*"; exit 1; }
wanted() { [[ " $LAB_SERVICES " == *" $1 "* ]]; }

# A zombie still answers kill -0; PID 1 here reaps slowly, so look at the state.
running() {
  local s
  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $s && $s != Z* ]]
}
recorded() { [[ -s $PIDS/$1 ]] && running "$(<"$PIDS/$1")"; }
listening() { timeout 1 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }
await() {
  local i
  for i in $(seq 100); do listening "$1" "$2" && return 0; sleep 0.1; done
  say "$3 ne répond pas sur $1:$2 (journaux dans $DIR/$3)"
  return 1
}

packages() {
  local p=(openssl socat iproute2 faketime)
  wanted web && p+=(nginx)
  wanted ssh && p+=(openssh-server)
  wanted ftp && p+=(vsftpd)
  wanted redis && p+=(redis-server)
  wanted postgres && p+=(postgresql)
  wanted mariadb && p+=(mariadb-server)
  wanted telnet && p+=(inetutils-telnetd inetutils-inetd)
  wanted smb && p+=(samba)
  wanted dicom && p+=(dcmtk)
  wanted rdp && p+=(xrdp ssl-cert)
  wanted orthanc && p+=(orthanc orthanc-dicomweb dcmtk)
  wanted fhir && p+=(python3)
  echo "${p[@]}"
}

install() {
  local missing=() p
  for p in $(packages); do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installation : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1; apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}

# relay NAME LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT: the service moved
# to another port through socat (one process per connection, bytes untouched).
relay() {
  local d=$DIR/relay
  mkdir -p "$d"
  socat TCP-LISTEN:"$3",bind="$2",fork,reuseaddr TCP:"$4":"$5" >"$d/$1.log" 2>&1 &
  echo $! >"$PIDS/$1"
  await "$2" "$3" "$1"
}

# bridge NAME NETNS INNER_PORT ADDRESS PORT...: a daemon that can only listen
# on every address lives in a namespace of its own with only lo; a socat
# inside relays a Unix socket to it, and one socat per outside port relays
# to that socket (no process started per connection but socat's own fork).
bridge() {
  local name=$1 ns=$2 inner=$3 addr=$4 sock=$DIR/$1.sock p
  shift 4
  rm -f "$sock"
  ip netns exec "$ns" socat UNIX-LISTEN:"$sock",fork,unlink-early TCP:127.0.0.1:"$inner" >"$DIR/$name-in.log" 2>&1 &
  echo $! >"$PIDS/$name-in"
  for p in "$@"; do
    socat TCP-LISTEN:"$p",bind="$addr",fork,reuseaddr UNIX-CONNECT:"$sock" >"$DIR/$name-$p.log" 2>&1 &
    echo $! >"$PIDS/$name-$p"
  done
}

web() {
  local d=$DIR/web
  mkdir -p "$d/logs" "$d/tmp" "$d/html"
  echo '<html><head><title>Intranet du CH (lab)</title></head><body>lab</body></html>' >"$d/html/index.html"
  [[ -s $d/self.crt ]] || openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=portail.lab.vigie \
    -addext subjectAltName=DNS:portail.lab.vigie -keyout "$d/self.key" -out "$d/self.crt" 2>/dev/null
  # notAfter in 2020: generated under faketime
  [[ -s $d/old.crt ]] || faketime '2020-01-01 00:00:00' openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj /CN=ancien.lab.vigie -keyout "$d/old.key" -out "$d/old.crt" 2>/dev/null
  cat >"$d/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path $d/tmp/b; proxy_temp_path $d/tmp/p; fastcgi_temp_path $d/tmp/f;
  uwsgi_temp_path $d/tmp/u; scgi_temp_path $d/tmp/s;
  server_tokens on;
  root $d/html;
  server { listen 127.0.42.2:80; }
  server {
    listen 127.0.42.2:443 ssl;
    ssl_certificate $d/self.crt; ssl_certificate_key $d/self.key;
    # OpenSSL 3 refuses TLS 1.0/1.1 below security level 0
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers 'ALL:@SECLEVEL=0';
  }
  server { listen 127.0.42.2:8443 ssl; ssl_certificate $d/old.crt; ssl_certificate_key $d/old.key; }
  server { listen 127.0.42.2:7080; }
  server { listen 127.0.42.2:7443 ssl; ssl_certificate $d/self.crt; ssl_certificate_key $d/self.key; }
}
CONF
  nginx -p "$d" -c "$d/nginx.conf" >"$d/logs/stdout" 2>&1 &
  echo $! >"$PIDS/web"
  await 127.0.42.2 443 web
}

ssh() {
  local d=$DIR/ssh
  mkdir -p "$d" /run/sshd
  [[ -s $d/key_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -f "$d/key_ed25519"
  printf '%s\n' "ListenAddress 127.0.42.3:22" "ListenAddress 127.0.42.3:2244" "HostKey $d/key_ed25519" "PidFile $d/sshd.pid" \
    "UsePAM no" "PasswordAuthentication yes" >"$d/sshd_config"
  /usr/sbin/sshd -D -e -f "$d/sshd_config" >"$d/log" 2>&1 &
  echo $! >"$PIDS/ssh"
  await 127.0.42.3 22 ssh
}

ftp() {
  local d=$DIR/ftp
  mkdir -p "$d/root/pub" /var/run/vsftpd/empty
  echo "fichier public" >"$d/root/pub/lisezmoi.txt"
  chmod 555 "$d/root"
  printf '%s\n' listen=YES listen_ipv6=NO listen_address=127.0.42.4 listen_port=21 background=NO \
    anonymous_enable=YES "anon_root=$d/root" no_anon_password=YES local_enable=NO write_enable=NO \
    seccomp_sandbox=NO secure_chroot_dir=/var/run/vsftpd/empty pasv_enable=NO >"$d/vsftpd.conf"
  vsftpd "$d/vsftpd.conf" >"$d/log" 2>&1 &
  echo $! >"$PIDS/ftp"
  await 127.0.42.4 21 ftp
}

redis() {
  local d=$DIR/redis
  mkdir -p "$d"
  chown redis: "$d" 2>/dev/null || true
  redis-server --bind 127.0.42.5 --port 6379 --protected-mode no --daemonize no --save '' \
    --appendonly no --dir "$d" --logfile "$d/log" >/dev/null 2>&1 &
  echo $! >"$PIDS/redis"
  await 127.0.42.5 6379 redis
  relay redis-moved 127.0.42.5 7000 127.0.42.5 6379
}

postgres() {
  local d=$DIR/postgres bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  mkdir -p "$d"
  chown postgres: "$d"
  [[ -f $d/data/PG_VERSION ]] || runuser -u postgres -- "$bin/initdb" -D "$d/data" -U postgres --auth=trust >"$d/initdb.log" 2>&1
  runuser -u postgres -- "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w \
    -o "-c listen_addresses=127.0.42.6 -p 5432 -c unix_socket_directories=$d" start >/dev/null
  head -n1 "$d/data/postmaster.pid" >"$PIDS/postgres"
  await 127.0.42.6 5432 postgres
  relay postgres-moved 127.0.42.6 15432 127.0.42.6 5432
}

mariadb() {
  local d=$DIR/mariadb
  mkdir -p "$d"
  chown mysql: "$d"
  [[ -d $d/data/mysql ]] || mariadb-install-db --user=mysql --datadir="$d/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1
  runuser -u mysql -- /usr/sbin/mariadbd --no-defaults --datadir="$d/data" --bind-address=127.0.42.7 \
    --port=3306 --socket="$d/sock" --pid-file="$d/pid" --log-error="$d/log" --skip-log-bin >/dev/null 2>&1 &
  await 127.0.42.7 3306 mariadb
  cp "$d/pid" "$PIDS/mariadb" # runuser forks: the daemon's own PID file is the truth
  relay mariadb-moved 127.0.42.7 13306 127.0.42.7 3306
}

telnet() {
  local d=$DIR/telnet
  mkdir -p "$d"
  printf '%s\n' '127.0.42.8:23 stream tcp nowait root /usr/sbin/telnetd telnetd' \
    '127.0.42.8:10023 stream tcp nowait root /usr/sbin/telnetd telnetd' >"$d/inetd.conf"
  inetutils-inetd -d "$d/inetd.conf" >"$d/log" 2>&1 &
  echo $! >"$PIDS/telnet"
  await 127.0.42.8 23 telnet
}

smb() {
  local d=$DIR/smb
  mkdir -p "$d"/{lock,state,cache,private,pid,log,share}
  ip -4 addr show dev lo | grep -q " $SMB_ADDR/32" || ip addr add $SMB_ADDR/32 dev lo
  cat >"$d/smb.conf" <<CONF
[global]
  workgroup = LAB
  netbios name = LABFILES
  server role = standalone server
  interfaces = $SMB_ADDR
  bind interfaces only = yes
  smb ports = 445
  disable netbios = yes
  server min protocol = NT1
  server signing = disabled
  map to guest = Bad User
  lock directory = $d/lock
  state directory = $d/state
  cache directory = $d/cache
  private dir = $d/private
  pid directory = $d/pid
  ncalrpc dir = $d/pid/ncalrpc
  log file = $d/log/%m
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  passdb backend = tdbsam:$d/private/passdb.tdb
[partage]
  path = $d/share
  guest ok = yes
  read only = yes
CONF
  smbd -D -s "$d/smb.conf"
  await $SMB_ADDR 445 smb
  cp "$d/pid/smbd.pid" "$PIDS/smb"
  relay smb-moved $SMB_ADDR 4450 $SMB_ADDR 445
}

dicom() {
  local d=$DIR/dicom
  mkdir -p "$d/in"
  # storescp can only listen on every address: isolate it in a netns, bridge one port out
  ip netns list | grep -qw $NS || ip netns add $NS
  ip -n $NS link set lo up
  ip netns exec $NS storescp -aet LABPACS -od "$d/in" 11112 >"$d/storescp.log" 2>&1 &
  echo $! >"$PIDS/dicom-scp"
  bridge dicom $NS 11112 127.0.42.10 104 2104
  echo $! >"$PIDS/dicom"
  await 127.0.42.10 104 dicom
  await 127.0.42.10 2104 dicom
}

rdp() {
  local d=$DIR/rdp
  mkdir -p "$d" /run/xrdp/sockdir
  sed 's#^port=3389#port=tcp://127.0.42.11:3389#' /etc/xrdp/xrdp.ini >"$d/xrdp.ini"
  xrdp -n -c "$d/xrdp.ini" >"$d/log" 2>&1 &
  echo $! >"$PIDS/rdp"
  await 127.0.42.11 3389 rdp
  relay rdp-moved 127.0.42.11 33890 127.0.42.11 3389
}

# Orthanc listens on every address of its namespace: a netns of its own with
# only lo, bridged out by socat (as storescp). One fictitious patient is
# stored, sent over DICOM with dcmtk's storescu.
orthanc() {
  local d=$DIR/orthanc p
  mkdir -p "$d/db"
  ip netns list | grep -qw $PACS_NS || ip netns add $PACS_NS
  ip -n $PACS_NS link set lo up
  local plugins='[]'
  [[ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]] && plugins='["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"]'
  cat >"$d/orthanc.json" <<CONF
{
  "Name": "PACS du laboratoire Vigie",
  "StorageDirectory": "$d/db", "IndexDirectory": "$d/db",
  "HttpServerEnabled": true, "HttpPort": 8042, "RemoteAccessAllowed": true, "AuthenticationEnabled": false,
  "DicomServerEnabled": true, "DicomAet": "ORTHANC", "DicomPort": 4242, "DicomCheckCalledAet": false,
  "Plugins": $plugins,
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
CONF
  ip netns exec $PACS_NS Orthanc --logdir="$d" "$d/orthanc.json" >"$d/stdout" 2>&1 &
  echo $! >"$PIDS/orthanc-server"
  bridge orthanc-dicom $PACS_NS 4242 127.0.42.12 4242
  bridge orthanc-http $PACS_NS 8042 127.0.42.12 8042 8765
  echo $! >"$PIDS/orthanc"
  await 127.0.42.12 8765 orthanc
  local i
  for i in $(seq 100); do echoscu -aec ORTHANC 127.0.42.12 4242 >/dev/null 2>&1 && break; sleep 0.1; done
  if [[ ! -s $d/patient.dcm ]]; then
    cat >"$d/patient.dump" <<'DUMP'
(0008,0016) UI =SecondaryCaptureImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.10.1297.42.1.1.1]
(0008,0020) DA [20260115]
(0008,0060) CS [OT]
(0010,0010) PN [PATIENT^FICTIF^LABO]
(0010,0020) LO [LAB-0001]
(0010,0030) DA [19700101]
(0020,000d) UI [1.2.826.0.1.3680043.10.1297.42.1]
(0020,000e) UI [1.2.826.0.1.3680043.10.1297.42.1.1]
DUMP
    dump2dcm --write-xfer-little "$d/patient.dump" "$d/patient.dcm" >/dev/null
  fi
  storescu -aec ORTHANC 127.0.42.12 4242 "$d/patient.dcm" >"$d/storescu.log" 2>&1 ||
    { say "orthanc : envoi du patient fictif impossible (journal $d/storescu.log)"; return 1; }
}

# Relays to the Samba lab DC's directory services (the DC itself is shared
# and serialised by /tmp/vigie-lab-ad.lock; start it with samba-ad-dc.sh).
adfwd() {
  local p
  for p in 389 88 135 636; do relay "adfwd-$p" 127.0.42.13 $p 127.0.0.1 $p; done
  relay adfwd 127.0.42.13 10389 127.0.0.1 389
  relay adfwd-k 127.0.42.13 10088 127.0.0.1 88
  relay adfwd-r 127.0.42.13 10135 127.0.0.1 135
}

fhir() {
  local d=$DIR/fhir
  mkdir -p "$d"
  python3 "$HERE/fhir-lab.py" 127.0.42.14 8080,18080 8081 >"$d/log" 2>&1 &
  echo $! >"$PIDS/fhir"
  await 127.0.42.14 18080 fhir
}

# endpoints lists "service address port" for every port of the wanted
# services: the usual ones, then the moved ones.
endpoints() {
  local s
  for s in $ALL_SERVICES; do
    wanted "$s" || continue
    case $s in
    web) printf 'web 127.0.42.2 %s\n' 80 443 8443 7080 7443 ;;
    ssh) printf 'ssh 127.0.42.3 %s\n' 22 2244 ;;
    ftp) echo "ftp 127.0.42.4 21" ;;
    redis) printf 'redis 127.0.42.5 %s\n' 6379 7000 ;;
    postgres) printf 'postgres 127.0.42.6 %s\n' 5432 15432 ;;
    mariadb) printf 'mariadb 127.0.42.7 %s\n' 3306 13306 ;;
    telnet) printf 'telnet 127.0.42.8 %s\n' 23 10023 ;;
    smb) printf "smb $SMB_ADDR %s\n" 445 4450 ;;
    dicom) printf 'dicom 127.0.42.10 %s\n' 104 2104 ;;
    rdp) printf 'rdp 127.0.42.11 %s\n' 3389 33890 ;;
    orthanc) printf 'orthanc 127.0.42.12 %s\n' 4242 8042 8765 ;;
    adfwd) printf 'adfwd 127.0.42.13 %s\n' 389 88 135 636 10389 10088 10135 ;;
    fhir) printf 'fhir 127.0.42.14 %s\n' 8080 8081 18080 ;;
    esac
  done
}

status() {
  local s a p
  while read -r s a p; do
    if listening "$a" "$p"; then echo "$s $a:$p up"; else echo "$s $a:$p down"; fi
  done < <(endpoints)
}

# The daemons must not inherit the caller's descriptors: started under
# `flock /tmp/vigie-netlab-use.lock`, they would hold the lock for as long as
# they run and every later user would wait forever. (255 is bash's own script.)
close_inherited() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2 && fd < 255)) || continue
    eval "exec $fd>&-" 2>/dev/null || true
  done
}

start() {
  close_inherited
  mkdir -p "$PIDS"
  chmod 755 "$DIR"
  install
  local s rc=0
  for s in $ALL_SERVICES; do
    wanted "$s" || continue
    recorded "$s" && continue
    "$s" || rc=1
  done
  status
  return $rc
}

stop() {
  [[ -d $PIDS ]] || return 0
  local f pid sig name i
  for f in "$PIDS"/*; do
    [[ -e $f ]] || continue
    name=${f##*/}
    pid=$(tr -dc 0-9 <"$f")
    sig=TERM
    [[ $name == postgres ]] && sig=INT
    [[ $name == web ]] && sig=QUIT
    if [[ -n $pid ]] && running "$pid"; then
      local t0=$EPOCHREALTIME
      kill -s $sig "$pid" 2>/dev/null || true
      for i in $(seq 50); do running "$pid" || break; sleep 0.1; done
      running "$pid" && { say "$name ($pid) ne s'arrête pas : KILL"; kill -s KILL "$pid" 2>/dev/null || true; }
      [[ -n ${LAB_VERBOSE:-} ]] && say "$name arrêté en $(echo "($EPOCHREALTIME - $t0) * 1000 / 1" | bc) ms"
    fi
    rm -f "$f"
  done
  if ip netns list | grep -qw $NS; then ip netns del $NS; fi
  if ip netns list | grep -qw $PACS_NS; then ip netns del $PACS_NS; fi
  if ip -4 addr show dev lo | grep -q " $SMB_ADDR/32"; then ip addr del $SMB_ADDR/32 dev lo; fi
}

case $ACTION in
install) install ;;
start) start ;;
stop) stop ;;
status) status ;;
*) fail "usage : $0 install|start|stop|status [DIR]" ;;
esac
