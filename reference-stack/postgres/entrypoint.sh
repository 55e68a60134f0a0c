#!/bin/bash
# Initialises the cluster on first start, makes a fresh self-signed TLS certificate on every start,
# then becomes the postgres server. No temporary server is started for initialisation (single-user
# mode creates the database), so "database system is ready to accept connections" is logged once,
# by the final server.
set -euo pipefail

fail() {
  echo "ocmt-postgres: $*" >&2
  exit 1
}

# Any arguments run instead of the server, e.g. `postgres --version` or a shell for debugging.
if [ $# -gt 0 ]; then
  exec "$@"
fi

[ "$(id -u)" != 0 ] || fail "refusing to run as root; the image runs as the postgres user"

BREAK_POSTGRES_PLAINTEXT=${BREAK_POSTGRES_PLAINTEXT:-}
case "$BREAK_POSTGRES_PLAINTEXT" in
  "") plaintext=false ;;
  1) plaintext=true ;;
  *) fail "BREAK_POSTGRES_PLAINTEXT must be 1 (accept connections without TLS) or unset; got '$BREAK_POSTGRES_PLAINTEXT'" ;;
esac

PGDATA=${PGDATA:-/var/lib/postgresql/data}
TLS_DIR=/var/lib/postgresql/tls
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}

# Plain identifiers only, so they can be used in SQL and config files without any quoting games.
identifier='^[A-Za-z_][A-Za-z0-9_]{0,62}$'
[[ "$POSTGRES_USER" =~ $identifier ]] || fail "POSTGRES_USER '$POSTGRES_USER' must match $identifier"
[[ "$POSTGRES_DB" =~ $identifier ]] || fail "POSTGRES_DB '$POSTGRES_DB' must match $identifier"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || fail "POSTGRES_PASSWORD is required to initialise the database"
  echo "ocmt-postgres: initialising $PGDATA for user $POSTGRES_USER, database $POSTGRES_DB"

  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  # initdb hashes the password with PostgreSQL 15's default, scram-sha-256.
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"

  cat > "$PGDATA/pg_ident.conf" <<IDENT
# MAPNAME   SYSTEM-USERNAME  PG-USERNAME
container   postgres         $POSTGRES_USER
IDENT

  if [ "$POSTGRES_DB" != postgres ]; then
    # exit_on_error makes a failed statement fail the whole step instead of scrolling past.
    # Its log goes to a file and is shown only on failure, so the container log stays that of
    # the real server.
    single_log=$(mktemp)
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" \
      | postgres --single -D "$PGDATA" -c exit_on_error=on postgres >"$single_log" 2>&1 \
      || { cat "$single_log" >&2; fail "could not create database $POSTGRES_DB"; }
    rm -f "$single_log"
  fi
fi

# Written on every start, so the switch below takes effect on a data directory made earlier too.
# Network clients always need the password, and TLS (the checklist's sslmode=require): a connection
# without TLS is rejected before authentication. Only the container's own postgres OS user may use
# the socket without a password (docker exec ... psql), mapped to the configured role.
if [ "$plaintext" = true ]; then
  echo "ocmt-postgres: BREAK_POSTGRES_PLAINTEXT=1: accepting network connections WITHOUT TLS (deliberately broken control)"
  network_rules="host      all  all  0.0.0.0/0  scram-sha-256
host      all  all  ::/0       scram-sha-256"
else
  network_rules="hostssl   all  all  0.0.0.0/0  scram-sha-256
hostssl   all  all  ::/0       scram-sha-256
hostnossl all  all  0.0.0.0/0  reject
hostnossl all  all  ::/0       reject"
fi
cat > "$PGDATA/pg_hba.conf" <<HBA
# Written by ocmt-postgres-entrypoint at container start.
# TYPE    DATABASE  USER  ADDRESS    METHOD
local     all  all             peer map=container
$network_rules
HBA

# A new key pair on every start: nothing secret is baked into the image or reused across runs.
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=postgres" \
  -addext "subjectAltName=DNS:postgres,DNS:localhost" \
  -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.crt" 2>/dev/null \
  || fail "could not generate the TLS certificate"
chmod 0600 "$TLS_DIR/server.key"

# Command-line settings override postgresql.conf, so these hold whatever the data directory says.
exec postgres -D "$PGDATA" \
  -c listen_addresses='*' \
  -c port=5432 \
  -c password_encryption=scram-sha-256 \
  -c ssl=on \
  -c ssl_cert_file="$TLS_DIR/server.crt" \
  -c ssl_key_file="$TLS_DIR/server.key" \
  -c ssl_min_protocol_version=TLSv1.2
