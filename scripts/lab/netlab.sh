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
# LAB_SERVICES selects a subset (e.g. "redis ssh"). Addresses and what a scan sees:
#   web      127.0.42.2  80 (HTTP), 443 (TLS 1.0–1.3, self-signed), 8443 (expired cert)
#   ssh      127.0.42.3  22   OpenSSH 9.2
#   ftp      127.0.42.4  21   vsftpd 3.0.3, anonymous login
#   redis    127.0.42.5  6379 no password
#   postgres 127.0.42.6  5432 trust authentication
#   mariadb  127.0.42.7  3306 MariaDB 10.11
#   telnet   127.0.42.8  23   inetutils telnetd
#   smb      127.0.42.9  445  smbd with SMB1 allowed (address added to lo: smbd needs it)
#   dicom    127.0.42.10 104  dcmtk storescp in netns "vigie-dicom", bridged by socat
#   rdp      127.0.42.11 3389 xrdp
set -euo pipefail

ACTION=${1:-status}
DIR=${2:-/tmp/vigie-netlab}
ALL_SERVICES="web ssh ftp redis postgres mariadb telnet smb dicom rdp"
LAB_SERVICES=${LAB_SERVICES:-$ALL_SERVICES}
PIDS="$DIR/pids"
NS=vigie-dicom
SMB_ADDR=127.0.42.9

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
  printf '%s\n' "ListenAddress 127.0.42.3:22" "HostKey $d/key_ed25519" "PidFile $d/sshd.pid" \
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
}

telnet() {
  local d=$DIR/telnet
  mkdir -p "$d"
  echo '127.0.42.8:23 stream tcp nowait root /usr/sbin/telnetd telnetd' >"$d/inetd.conf"
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
}

dicom() {
  local d=$DIR/dicom
  mkdir -p "$d/in"
  # storescp can only listen on every address: isolate it in a netns, bridge one port out
  ip netns list | grep -qw $NS || ip netns add $NS
  ip -n $NS link set lo up
  ip netns exec $NS storescp -aet LABPACS -od "$d/in" 11112 >"$d/storescp.log" 2>&1 &
  echo $! >"$PIDS/dicom-scp"
  socat TCP-LISTEN:104,bind=127.0.42.10,fork,reuseaddr \
    EXEC:"ip netns exec $NS socat STDIO TCP\:127.0.0.1\:11112" >"$d/socat.log" 2>&1 &
  echo $! >"$PIDS/dicom"
  await 127.0.42.10 104 dicom
}

rdp() {
  local d=$DIR/rdp
  mkdir -p "$d" /run/xrdp/sockdir
  sed 's#^port=3389#port=tcp://127.0.42.11:3389#' /etc/xrdp/xrdp.ini >"$d/xrdp.ini"
  xrdp -n -c "$d/xrdp.ini" >"$d/log" 2>&1 &
  echo $! >"$PIDS/rdp"
  await 127.0.42.11 3389 rdp
}

endpoint() {
  case $1 in
  web) echo "127.0.42.2 443" ;; ssh) echo "127.0.42.3 22" ;; ftp) echo "127.0.42.4 21" ;;
  redis) echo "127.0.42.5 6379" ;; postgres) echo "127.0.42.6 5432" ;; mariadb) echo "127.0.42.7 3306" ;;
  telnet) echo "127.0.42.8 23" ;; smb) echo "$SMB_ADDR 445" ;; dicom) echo "127.0.42.10 104" ;;
  rdp) echo "127.0.42.11 3389" ;;
  esac
}

status() {
  local s a p
  for s in $ALL_SERVICES; do
    wanted "$s" || continue
    read -r a p <<<"$(endpoint "$s")"
    if listening "$a" "$p"; then echo "$s $a:$p up"; else echo "$s $a:$p down"; fi
  done
}

start() {
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
  if ip -4 addr show dev lo | grep -q " $SMB_ADDR/32"; then ip addr del $SMB_ADDR/32 dev lo; fi
}

case $ACTION in
install) install ;;
start) start ;;
stop) stop ;;
status) status ;;
*) fail "usage : $0 install|start|stop|status [DIR]" ;;
esac
