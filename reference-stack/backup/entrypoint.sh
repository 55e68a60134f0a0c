#!/bin/bash
# Backs up now, then every BACKUP_INTERVAL_S seconds. `docker exec <container> backup-now` adds one
# on demand; `backup-restore` reads one back. Any arguments run instead (e.g. a shell).
set -euo pipefail

if [ $# -gt 0 ]; then
  exec "$@"
fi

# shellcheck source=backup-lib.sh
. /usr/local/lib/ocmt-backup/backup-lib.sh
check_config

# Temporary files of a run killed half-way are never valid backups.
find "$BACKUP_DIR" -maxdepth 1 -name '.ocmt-*.tmp' -type f -delete

trap 'exit 0' TERM INT
echo "OCMT backup configured: database=$(describe_database) dir=$BACKUP_DIR interval=${BACKUP_INTERVAL_S}s keep=$BACKUP_KEEP mode=${BREAK_BACKUP:-encrypted}"

# The database may still be starting; the first backup is retried before giving up.
attempt=1
until run_backup; do
  [ $attempt -lt 30 ] || fail "the first backup failed 30 times; giving up"
  attempt=$((attempt + 1))
  sleep 2 &
  wait $!
done
echo "OCMT backup ready"

if [ "$BREAK_BACKUP" = stale ]; then
  # The broken deployment: one old-looking backup and no schedule.
  echo "OCMT backup schedule disabled (BREAK_BACKUP=stale)"
  sleep infinity &
  wait $!
fi

while :; do
  # In the background, so TERM is handled at once instead of after the sleep.
  sleep "$BACKUP_INTERVAL_S" &
  wait $!
  run_backup || echo "ocmt-backup: scheduled backup failed; next attempt in ${BACKUP_INTERVAL_S}s" >&2
done
