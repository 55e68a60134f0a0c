#!/bin/bash
# Writes the Redis configuration from the environment, then becomes redis-server.
set -euo pipefail

fail() {
  echo "ocmt-redis: $*" >&2
  exit 1
}

# Any arguments run instead of the server, e.g. `redis-server --version` or a shell for debugging.
if [ $# -gt 0 ]; then
  exec "$@"
fi

CONF=/run/redis/redis.conf
BREAK_REDIS_PASSWORD=${BREAK_REDIS_PASSWORD:-}
REDIS_PASSWORD=${REDIS_PASSWORD:-}

case "$BREAK_REDIS_PASSWORD" in
  "") no_password=false ;;
  1) no_password=true ;;
  *) fail "BREAK_REDIS_PASSWORD must be 1 (start without a password) or unset; got '$BREAK_REDIS_PASSWORD'" ;;
esac

# "defaults": Redis as Debian ships it, the checklist's memory limit and persistence never set.
BREAK_REDIS_CONFIG=${BREAK_REDIS_CONFIG:-}
case "$BREAK_REDIS_CONFIG" in
  "") persistence="appendonly yes"; memory="maxmemory 256mb
maxmemory-policy volatile-lru" ;;
  defaults)
    echo "ocmt-redis: BREAK_REDIS_CONFIG=defaults: no persistence, no memory limit (deliberately broken control)"
    persistence="appendonly no"; memory="maxmemory 0
maxmemory-policy noeviction" ;;
  *) fail "BREAK_REDIS_CONFIG must be defaults (Debian's appendonly no, maxmemory 0, noeviction) or unset; got '$BREAK_REDIS_CONFIG'" ;;
esac

if [ "$no_password" = true ]; then
  echo "ocmt-redis: BREAK_REDIS_PASSWORD=1: starting WITHOUT a password (deliberately broken control)"
  requirepass_line="# requirepass disabled by BREAK_REDIS_PASSWORD=1"
else
  [ -n "$REDIS_PASSWORD" ] \
    || fail "REDIS_PASSWORD is required (set BREAK_REDIS_PASSWORD=1 to start without one, deliberately broken)"
  [[ "$REDIS_PASSWORD" != *[[:cntrl:]]* ]] || fail "REDIS_PASSWORD must not contain control characters"
  # Redis config strings are double-quoted with backslash escapes.
  escaped=${REDIS_PASSWORD//\\/\\\\}
  escaped=${escaped//\"/\\\"}
  requirepass_line="requirepass \"$escaped\""
fi

# The file holds the password: readable by the redis user alone.
umask 077
cat > "$CONF" <<CONF
# Written by ocmt-redis-entrypoint at container start.
bind 0.0.0.0
port 6379
# Reached only over the container network; the password is the control, not the bind address.
protected-mode no
daemonize no
supervised no
logfile ""
dir /var/lib/redis
$persistence
$memory
$requirepass_line
CONF

exec redis-server "$CONF"
