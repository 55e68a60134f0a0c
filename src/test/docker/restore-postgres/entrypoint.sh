#!/bin/bash
# Initialises an empty cluster with one superuser, RESTORE_USER / RESTORE_PASSWORD, and serves it.
# Durability is off: the database lives as long as one test and is thrown away.
set -euo pipefail
: "${RESTORE_USER:?RESTORE_USER is required}"
: "${RESTORE_PASSWORD:?RESTORE_PASSWORD is required}"
[[ "$RESTORE_USER" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "restore-postgres: RESTORE_USER must be a plain identifier" >&2; exit 1; }

pwfile=$(mktemp)
trap 'rm -f "$pwfile"' EXIT
printf '%s' "$RESTORE_PASSWORD" > "$pwfile"
initdb --pgdata="$PGDATA" --username="$RESTORE_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
  --auth-local=peer --auth-host=scram-sha-256 >/dev/null
rm -f "$pwfile"
cat > "$PGDATA/pg_hba.conf" <<HBA
local  all  all              trust
host   all  all  0.0.0.0/0   scram-sha-256
host   all  all  ::/0        scram-sha-256
HBA
echo "restore-postgres: empty cluster ready for user $RESTORE_USER"
exec postgres -D "$PGDATA" -c listen_addresses='*' -c fsync=off -c synchronous_commit=off -c full_page_writes=off
