#!/bin/bash
# Shared by the scheduler (entrypoint), backup-now and backup-restore. Sourced, never run.
# Nothing here may print DATABASE_URL (it holds the database password) or BACKUP_PASSPHRASE.

BACKUP_DIR=/backups
LOCK_FILE=/tmp/ocmt-backup.lock

fail() {
  echo "ocmt-backup: $*" >&2
  exit 1
}

# Every check runs before the first backup, so a misconfigured container stops at once instead of
# failing a day later.
check_config() {
  BACKUP_INTERVAL_S=${BACKUP_INTERVAL_S:-86400}
  BACKUP_KEEP=${BACKUP_KEEP:-30}
  BREAK_BACKUP=${BREAK_BACKUP:-}
  [[ "$BACKUP_INTERVAL_S" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_INTERVAL_S must be a positive number of seconds; got '$BACKUP_INTERVAL_S'"
  [[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP must be a positive number of backups; got '$BACKUP_KEEP'"
  case "$BREAK_BACKUP" in
    ''|unencrypted|stale|corrupt) ;;
    *) fail "BREAK_BACKUP must be unencrypted, stale or corrupt (or unset for the hardened default); got '$BREAK_BACKUP'" ;;
  esac
  local name
  for name in $(compgen -e); do
    case "$name" in
      BREAK_*) [ "$name" = BREAK_BACKUP ] || fail "$name is not a known switch; the backup image knows BREAK_BACKUP" ;;
    esac
  done
  [ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is required, e.g. postgresql://user:password@postgres:5432/ocmt"
  [[ "$DATABASE_URL" =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL must be a postgresql:// URL"
  if [ "$BREAK_BACKUP" != unencrypted ]; then
    [ -n "${BACKUP_PASSPHRASE:-}" ] || fail "BACKUP_PASSPHRASE is required: backups are encrypted with it (gpg, AES-256)"
  fi
  [ -d "$BACKUP_DIR" ] || fail "$BACKUP_DIR does not exist; mount a directory there"
  local probe="$BACKUP_DIR/.ocmt-write-test.$$"
  if ! ( : > "$probe" ) 2>/dev/null; then
    fail "$BACKUP_DIR is not writable by uid $(id -u) gid $(id -g); on the host: chown $(id -u):$(id -g) <dir> && chmod 700 <dir>"
  fi
  rm -f "$probe"
}

# Host and database only, for logs.
describe_database() {
  local rest=${DATABASE_URL#*://}
  rest=${rest##*@}
  echo "${rest%%\?*}"
}

# Runs one backup under the lock; prints "OCMT backup written <file> <bytes>" on stdout.
run_backup() {
  exec 9>"$LOCK_FILE"
  flock 9
  local status=0
  backup_locked || status=$?
  flock -u 9
  exec 9>&-
  return $status
}

backup_locked() {
  umask 077
  local stamp name
  # One file per second at most; a second request within the same second waits for the next one.
  while :; do
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    if [ "$BREAK_BACKUP" = unencrypted ]; then name="ocmt-$stamp.sql.gz"; else name="ocmt-$stamp.sql.gz.gpg"; fi
    [ -e "$BACKUP_DIR/$name" ] || break
    sleep 1
  done
  local final="$BACKUP_DIR/$name"
  # Same directory as the final file, so the rename is atomic: a reader never sees half a backup.
  local tmp
  tmp=$(mktemp "$BACKUP_DIR/.ocmt-$stamp.XXXXXX.tmp") || { echo "ocmt-backup: cannot create a temporary file in $BACKUP_DIR" >&2; return 1; }
  local gnupghome=""
  # shellcheck disable=SC2317
  cleanup_attempt() {
    rm -f "$tmp"
    if [ -n "$gnupghome" ]; then
      GNUPGHOME="$gnupghome" gpgconf --kill gpg-agent >/dev/null 2>&1 || true
      rm -rf "$gnupghome"
    fi
  }
  set -o pipefail
  if [ "$BREAK_BACKUP" = unencrypted ]; then
    if ! pg_dump --dbname="$DATABASE_URL" --format=plain --no-password | gzip -9 > "$tmp"; then
      echo "ocmt-backup: pg_dump failed; no backup written" >&2
      cleanup_attempt
      return 1
    fi
  else
    # gpg needs a home even for symmetric encryption; a fresh one per run keeps no state, and
    # --no-symkey-cache keeps the passphrase out of gpg-agent's memory after the run.
    gnupghome=$(mktemp -d /tmp/ocmt-gnupg.XXXXXX)
    # The passphrase reaches gpg through a pipe from a shell builtin: never an argument, a file,
    # or the backup directory.
    if ! pg_dump --dbname="$DATABASE_URL" --format=plain --no-password \
        | gzip -9 \
        | GNUPGHOME="$gnupghome" gpg --batch --quiet --yes --no-symkey-cache --pinentry-mode loopback \
            --passphrase-fd 3 --symmetric --cipher-algo AES256 --s2k-digest-algo SHA512 \
            --compress-algo none --output "$tmp" 3< <(printf '%s' "$BACKUP_PASSPHRASE"); then
      echo "ocmt-backup: pg_dump or gpg failed; no backup written" >&2
      cleanup_attempt
      return 1
    fi
    GNUPGHOME="$gnupghome" gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf "$gnupghome"
    gnupghome=""
    if [ "$BREAK_BACKUP" = corrupt ]; then
      truncate -s $(( $(stat -c %s "$tmp") / 2 )) "$tmp"
    fi
  fi
  set +o pipefail
  mv -f "$tmp" "$final"
  if [ "$BREAK_BACKUP" = stale ]; then
    touch -d '3 days ago' "$final"
  fi
  echo "OCMT backup written $final $(stat -c %s "$final")"
  prune
}

# Keeps the newest BACKUP_KEEP backups; names sort by time, and only this image's files are touched.
prune() {
  local -a files
  mapfile -t files < <(find "$BACKUP_DIR" -maxdepth 1 -type f \( -name 'ocmt-*.sql.gz.gpg' -o -name 'ocmt-*.sql.gz' \) -printf '%f\n' | sort -r)
  local i
  for (( i = BACKUP_KEEP; i < ${#files[@]}; i++ )); do
    rm -f "$BACKUP_DIR/${files[$i]}"
    echo "OCMT backup removed $BACKUP_DIR/${files[$i]} (keeping $BACKUP_KEEP)"
  done
}
