#!/usr/bin/env bash
# Vigie mail lab: a real SMTP server (Exim 4 from Debian) on 127.0.0.1, for
# the alert tests. It offers STARTTLS (self-signed certificate for
# « localhost ») and AUTH PLAIN only once TLS is up, accepts mail only from
# an authenticated client and only for the domain vigie.test, and delivers
# it to a local maildir that the tests read. No relay anywhere: every other
# domain is refused. No systemd: exim runs in the foreground, started by
# hand, its PID recorded and stopped by that PID only.
#
#   smtp.sh install        install the Debian package
#   smtp.sh start [DIR]    start the server (default DIR /tmp/vigie-smtp)
#   smtp.sh stop [DIR]     stop it
#   smtp.sh status [DIR]   print "smtp 127.0.0.1:PORT up|down"
#
# Settings (environment): SMTP_PORT (2525), SMTP_USER (alertes),
# SMTP_PASSWORD (vigie-lab). Files under DIR: cert.pem (the certificate the
# client trusts), maildir/new/ (delivered mail), exim.conf, log/.
# (OpenSMTPD, also in Debian 12, cannot do TLS with OpenSSL 3: not used.)
set -euo pipefail

ACTION=${1:-status}
DIR=${2:-/tmp/vigie-smtp}
PORT=${SMTP_PORT:-2525}
USER_NAME=${SMTP_USER:-alertes}
PASSWORD=${SMTP_PASSWORD:-vigie-lab}
# Exim started with -C runs as its own user, which therefore delivers too.
DELIVER_USER=Debian-exim

say() { printf 'smtp: %s\n' "$*" >&2; }

up() { (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; }

case "$ACTION" in
install)
  if ! command -v exim4 >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends exim4-daemon-light openssl >/dev/null
  fi
  ;;
start)
  command -v exim4 >/dev/null || { say "Exim absent : lancez « $0 install »"; exit 1; }
  # Exim must not inherit the caller's descriptors: started under
  # `flock /tmp/vigie-netlab-use.lock go test …`, it would hold that lock for
  # as long as it runs and every later user of the lab would wait forever.
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2 && fd < 255)) || continue
    eval "exec $fd>&-" 2>/dev/null || true
  done
  if up; then
    say "déjà à l'écoute sur 127.0.0.1:$PORT"
    exit 0
  fi
  mkdir -p "$DIR/maildir/new" "$DIR/maildir/cur" "$DIR/maildir/tmp" "$DIR/spool" "$DIR/log"
  chmod 755 "$DIR"
  chown -R "$DELIVER_USER" "$DIR/maildir"
  chmod -R a+rX "$DIR/maildir"
  chown -R Debian-exim "$DIR/spool" "$DIR/log"
  if [ ! -s "$DIR/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
  fi
  chown Debian-exim "$DIR/key.pem"
  chmod 600 "$DIR/key.pem"
  cat >"$DIR/exim.conf" <<CONF
primary_hostname = localhost
keep_environment =
daemon_smtp_ports = $PORT
local_interfaces = 127.0.0.1
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
domainlist local_domains = vigie.test
tls_advertise_hosts = *
tls_certificate = $DIR/cert.pem
tls_privatekey = $DIR/key.pem
auth_advertise_hosts = \${if eq{\$tls_in_cipher}{}{}{*}}
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_mail = acl_check_mail

begin acl
acl_check_mail:
  deny    message = STARTTLS puis AUTH requis
          !authenticated = *
  accept
acl_check_rcpt:
  accept  domains = +local_domains
  deny    message = relais refusé

begin routers
boite:
  driver = accept
  domains = +local_domains
  transport = maildir

begin transports
maildir:
  driver = appendfile
  directory = $DIR/maildir
  maildir_format
  user = $DELIVER_USER
  mode = 0644

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{$USER_NAME}}{eq{\$auth3}{$PASSWORD}}}}
  server_set_id = \$auth2
CONF
  exim4 -C "$DIR/exim.conf" -bV >/dev/null
  nohup exim4 -C "$DIR/exim.conf" -bdf -q10s >"$DIR/log/daemon.out" 2>&1 &
  echo $! >"$DIR/exim.pid"
  for _ in $(seq 50); do
    up && { say "à l'écoute sur 127.0.0.1:$PORT (courrier dans $DIR/maildir/new)"; exit 0; }
    sleep 0.2
  done
  say "exim ne répond pas sur 127.0.0.1:$PORT (voir $DIR/log)"
  exit 1
  ;;
stop)
  if [ -s "$DIR/exim.pid" ]; then
    kill "$(cat "$DIR/exim.pid")" 2>/dev/null || true
    rm -f "$DIR/exim.pid"
  fi
  ;;
status)
  if up; then echo "smtp 127.0.0.1:$PORT up"; else echo "smtp 127.0.0.1:$PORT down"; fi
  ;;
*)
  say "usage : $0 install|start|stop|status [DIR]"
  exit 2
  ;;
esac
