#!/usr/bin/env bash
# End-to-end check of rate limiting, client addresses and backups on real containers: postgres,
# redis, two server replicas behind nginx, and the backup image, on a private Docker network,
# checked from loopback only. Every rate-limit and backup switch is shown once to break its control.
# Needs the images from build-images.sh, plus curl, openssl and gzip on the host. Removes every
# container and the network it made, whatever happens; keeps the images.
#
# The network gets an explicit subnet whose containers are allocated from its upper half
# (--ip-range), so the servers can trust exactly the containers (nginx) and not the gateway: traffic
# from the host's loopback reaches nginx from the gateway address, and a server that trusted the
# whole subnet would believe whatever X-Forwarded-For a host-side client made up.
set -uo pipefail

# shellcheck source=e2e-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh" ocmt-e2e-rl

REDIS_PW=e2e-redis-pass
PG_PW=e2e-pg-pass
PASSPHRASE="e2e backup passphrase $$ $RANDOM"
STRICT_WINDOW_MS=20000
ENCRYPTION_KEY=$(openssl rand -hex 32)

echo "== network, certificate, backing services"
create_network 231
echo "  network $net: subnet $subnet, containers in $range, gateway $gateway"
make_cert

start_postgres postgres "$PG_PW"
start_redis redis -e REDIS_PASSWORD="$REDIS_PW"
check "postgres ready" wait_log "$run_id-postgres" "$PG_READY"
check "redis ready" wait_log "$run_id-redis" "$REDIS_READY"

DATABASE_URL="postgresql://ocmt:$PG_PW@postgres:5432/ocmt?sslmode=require"

# stack_up [extra server -e args...]: (re)creates both replicas and nginx with a clean Redis, so each
# scenario starts with full budgets. nginx resolves the upstreams at start, so it comes last.
stack_up() {
  remove nginx; remove server-1; remove server-2
  redis_cli FLUSHALL >/dev/null
  local common=(-e REDIS_URL="redis://:$REDIS_PW@redis:6379" -e TRUST_PROXY=1 -e TRUSTED_PROXIES="$range"
    -e RATE_LIMIT_STRICT_AUTH_WINDOW_MS="$STRICT_WINDOW_MS" -e DATABASE_URL="$DATABASE_URL"
    -e ENCRYPTION_KEY="$ENCRYPTION_KEY")
  start_server server-1 "${common[@]}" "$@"
  start_server server-2 "${common[@]}" "$@"
  wait_log "$run_id-server-1" "$SERVER_READY" 60 || return 1
  wait_log "$run_id-server-2" "$SERVER_READY" 60 || return 1
  HTTPS=$(free_port)
  start_nginx nginx "$HTTPS" ""
}

# req METHOD PATH [curl args...]: headers to $work/h, body to $work/b, prints the status.
# --path-as-is keeps //, ./ and ../ exactly as written; -g keeps [] literal.
req() {
  local method=$1 path=$2; shift 2
  curl -s -g --path-as-is --max-time 10 --cacert "$work/server.crt" --resolve "localhost:$HTTPS:127.0.0.1" \
    -X "$method" -H 'Content-Type: application/json' -D "$work/h" -o "$work/b" -w '%{http_code}' "$@" \
    "https://localhost:$HTTPS$path"
}
verify() { req GET '/api/auth/verify?token=abc' "$@"; } # strict-auth's route; 400 for an unknown link, which counts
login() { req POST /api/auth/login --data '{"email":"a@example.com"}' "$@"; }
server_logs() { docker logs "$run_id-server-1" 2>&1; docker logs "$run_id-server-2" 2>&1; }
# pass_shape STATUS...: "ok" for each status but 429, e.g. "ok ok 429 "
pass_shape() { printf '%s\n' "$@" | awk '{print ($1 == 429 ? "429" : "ok")}' | tr '\n' ' '; }

echo "== hardened (RATE_LIMIT_PROFILE unset: OCMT's limits): strict-auth across both replicas, through nginx"
check "stack up (Redis, TRUST_PROXY=1, TRUSTED_PROXIES=$range)" stack_up
statuses=() remaining=() limits=()
for i in 1 2 3 4 5 6 7; do
  statuses+=("$(verify)")
  remaining+=("$(header_value RateLimit-Remaining)"); limits+=("$(header_value RateLimit-Limit)")
  if [ "$i" = 1 ]; then
    reset_first=$(header_value RateLimit-Reset)
    check "each RateLimit header once through nginx" test "$(header_count RateLimit-Limit)$(header_count RateLimit-Remaining)$(header_count RateLimit-Reset)" = 111
  fi
  [ "$i" = 6 ] && cp "$work/h" "$work/h6" && cp "$work/b" "$work/b6"
done
echo "  statuses: ${statuses[*]}; RateLimit-Remaining: ${remaining[*]}; RateLimit-Limit: ${limits[*]}"
check "exactly 5 verifications pass, the 6th and 7th are 429" test "$(pass_shape "${statuses[@]}")" = "ok ok ok ok ok 429 429 "
check "RateLimit-Remaining is the budget before each request: 5 4 3 2 1 0 0" test "${remaining[*]}" = "5 4 3 2 1 0 0"
check "RateLimit-Limit is strict-auth's 5, not general-api's" test "${limits[*]}" = "5 5 5 5 5 5 5"
now=$(date +%s)
check "RateLimit-Reset is absolute epoch seconds, window 20 s" test "$reset_first" -ge $((now + 10)) -a "$reset_first" -le $((now + 21))
cp "$work/h6" "$work/h"
retry_after=$(header_value Retry-After)
check "429 has Retry-After in seconds (1..20)" test "${retry_after:-0}" -ge 1 -a "${retry_after:-0}" -le 20
check "429 body is OCMT's strict-auth answer, naming the window in force" test "$(cat "$work/b6")" = "{\"error\":\"Too many authentication attempts. Please try again in 20 seconds.\",\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":$retry_after}"
check "429 still carries the app's security headers" test "$(header_value X-Frame-Options)" = DENY
check "both replicas served some of the seven" bash -c "docker logs $run_id-server-1 2>&1 | grep -q 'GET /api/auth/verify' && docker logs $run_id-server-2 2>&1 | grep -q 'GET /api/auth/verify'"
client_ip=$(docker logs "$run_id-nginx" 2>/dev/null | awk '/GET \/api\/auth\/verify/ {print $1; exit}')
echo "  nginx saw the client as $client_ip"
key="ocmt:ratelimit:management:strict-auth:$client_ip"
check "one Redis key, OCMT's name, for the address nginx saw" test "$(redis_cli --scan --pattern 'ocmt:ratelimit:management:strict-auth:*')" = "$key"
check "its value is the count, 5: the refusals were not counted" test "$(redis_cli GET "$key")" = 5
check "Redis key has a TTL within the window" test "$(redis_cli PTTL "$key")" -le $STRICT_WINDOW_MS
check "general-api gave back all seven failed verifications" test -z "$(redis_cli GET "ocmt:ratelimit:management:general-api:$client_ip" | grep -v '^0$')"
server_logs > "$work/logs"
check "security event JSON line on a server's stdout, with limiter and the real ip" \
  grep -q "^{\"type\":\"security_event\",\"event\":\"rate_limit_exceeded\",\"limiter\":\"strict-auth\",\"ip\":\"$client_ip\",\"method\":\"GET\",\"path\":\"/api/auth/verify\",\"count\":5,\"limit\":5," "$work/logs"

echo "== hardened: login has its own 10 per window"
statuses=()
for _ in $(seq 1 11); do statuses+=("$(login)"); done
echo "  statuses: ${statuses[*]}"
check "10 logins pass, the 11th is 429 (RateLimit-Limit 10)" test "$(pass_shape "${statuses[@]}")/$(header_value RateLimit-Limit)" = "ok ok ok ok ok ok ok ok ok ok 429 /10"
check "login's 429 body" test "$(cat "$work/b" | sed 's/"retryAfter":[0-9]*/"retryAfter":N/')" = '{"error":"Too many login attempts. Please try again in 15 minutes.","code":"RATE_LIMIT_EXCEEDED","retryAfter":N}'

echo "== hardened: a fresh X-Forwarded-For per request gives no fresh budget (vault-unlock)"
statuses=()
for i in 1 2 3 4 5 6 7; do
  statuses+=("$(req POST /api/vault/unlock --data '{"password":"x"}' -H "X-Forwarded-For: 203.0.113.$i" -H "X-Real-IP: 198.51.100.$i")")
done
echo "  statuses: ${statuses[*]}"
check "5 pass, then 429 although every request claimed another address" test "$(pass_shape "${statuses[@]}")" = "ok ok ok ok ok 429 429 "
check "no Redis key for a spoofed address" test -z "$(redis_cli --scan --pattern 'ocmt:ratelimit:*:203.0.113.*')"

echo "== hardened: every spelling of /api/vault/recover shares one budget of 3"
variants=(/api/vault/recover /API/VAULT/RECOVER/ '//api//vault/recover?x=1' /api/vault/%72ecover /api/./vault/recover
  /api/vault/Recover/ /api/vault%2Frecover /api/vault/recover/%3F)
i=0
for v in "${variants[@]}"; do
  s=$(req POST "$v" --data '{}')
  lim=$(header_value RateLimit-Limit)
  echo "  $v -> $s (RateLimit-Limit ${lim:-none})"
  if [ $i -lt 3 ]; then
    check "$v: within the budget (not 429), limit 3" test "$s/$lim" != "429/3" -a "$lim" = 3
  elif [ "$v" = /api/vault/recover/%3F ]; then
    # a different (unrouted) path; only general-api applies
    check "$v: a different path, general-api only" test "$lim" = 1000
  else
    # 429 from the limiter, or a 400 that Jetty gives an ambiguous path before any handler runs
    check "$v: refused (429), or rejected by Jetty before any route" bash -c "[ '$s' = 429 ] || { [ '$s' = 400 ] && [ -z '$lim' ]; }"
  fi
  i=$((i + 1))
done
check "/health is not limited" test "$(req GET /health)/$(header_count RateLimit-Limit)" = "200/0"

echo "== hardened: the strict-auth window ends (RATE_LIMIT_STRICT_AUTH_WINDOW_MS=$STRICT_WINDOW_MS)"
redis_cli FLUSHALL >/dev/null
for _ in 1 2 3 4 5; do verify >/dev/null; done
blocked=$(verify)
reset=$(header_value RateLimit-Reset)
check "verify is refused once its 5 are used" test "$blocked" = 429
wait_s=$(( reset - $(date +%s) + 1 ))
[ $wait_s -gt 0 ] && [ $wait_s -le 25 ] && sleep $wait_s
s=$(verify)
check "after RateLimit-Reset the budget is back (status $s, Remaining 5)" test "$s" != 429 -a "$(header_value RateLimit-Remaining)" = 5

echo "== fail open: Redis stopped"
docker pause "$run_id-redis" >/dev/null
s=$(login)
docker unpause "$run_id-redis" >/dev/null
check "a request passes while Redis is unreachable (status $s)" test "$s" != 429 -a "$s" != 000 -a "$s" != 500
server_logs > "$work/logs"
check "the failing-open warning is in a server log" grep -q "failed open" "$work/logs"

echo "== general-api counts successful requests only (RATE_LIMIT_GENERAL_API_MAX=5, RATE_LIMIT_LOGIN_MAX=100)"
check "stack up" stack_up -e RATE_LIMIT_GENERAL_API_MAX=5 -e RATE_LIMIT_LOGIN_MAX=100
urls=()
# One curl, one kept-alive connection, 30 unauthenticated requests (401); -o applies to one URL each.
for _ in $(seq 1 30); do urls+=(-o /dev/null "https://localhost:$HTTPS/api/auth/me"); done
codes=$(curl -s --max-time 60 --cacert "$work/server.crt" --resolve "localhost:$HTTPS:127.0.0.1" -w '%{http_code}\n' "${urls[@]}")
check "30 failed requests (401) are never refused" test "$(echo "$codes" | sort -u | tr -d '\n')" = 401
s=$(req GET /api/auth/me)
check "... and never counted: RateLimit-Remaining still 5 (status $s)" test "$(header_value RateLimit-Remaining)" = 5
statuses=()
for _ in 1 2 3 4 5 6; do statuses+=("$(login)"); done
echo "  logins: ${statuses[*]}"
check "5 successful logins use the budget, the 6th is general-api's 429" test "$(pass_shape "${statuses[@]}")/$(header_value RateLimit-Limit)" = "ok ok ok ok ok 429 /5"
check "general-api's 429 body" test "$(cat "$work/b" | sed 's/"retryAfter":[0-9]*/"retryAfter":N/')" = '{"error":"API rate limit exceeded. Please slow down.","code":"RATE_LIMIT_EXCEEDED","retryAfter":N}'
check "login counted only the 5 that general-api let through" test "$(redis_cli GET "ocmt:ratelimit:management:login:$client_ip")" = 5

echo "== RATE_LIMIT_PROFILE=checklist: login 5 per window, general-api 100 counting every request"
check "stack up" stack_up -e RATE_LIMIT_PROFILE=checklist
statuses=()
for _ in 1 2 3 4 5 6; do statuses+=("$(login)"); done
check "5 logins pass, the 6th is 429 (RateLimit-Limit 5)" test "$(pass_shape "${statuses[@]}")/$(header_value RateLimit-Limit)" = "ok ok ok ok ok 429 /5"
redis_cli FLUSHALL >/dev/null
urls=()
for _ in $(seq 1 101); do urls+=(-o /dev/null "https://localhost:$HTTPS/api/auth/me"); done
codes=$(curl -s --max-time 60 --cacert "$work/server.crt" --resolve "localhost:$HTTPS:127.0.0.1" -w '%{http_code}\n' "${urls[@]}")
echo "  statuses: $(echo "$codes" | sort | uniq -c | tr -s ' \n' ' '); last: $(echo "$codes" | tail -1)"
check "requests 1-100 pass although they fail (401), 101 is 429" test "$(echo "$codes" | head -100 | grep -vc 429)/$(echo "$codes" | tail -1)" = "100/429"

echo "== switches"
switch_case() { # switch_case DESCRIPTION ENV N-REQUESTS EXPECTED-SHAPE-OR-PASS-COUNT [curl args...]: N verifications
  local what=$1 env=$2 n=$3 expect=$4; shift 4
  if ! stack_up -e "$env"; then bad "$env: stack starts"; return; fi
  local out=() i
  for i in $(seq 1 "$n"); do out+=("$(verify "${@//@I@/$i}")"); done
  local shape
  shape=$(pass_shape "${out[@]}")
  # a bare number means "this many passed, in any order"
  [[ "$expect" =~ ^[0-9]+$ ]] && shape=$(printf '%s\n' "${out[@]}" | grep -vc '^429$')
  echo "  $env: ${out[*]}"
  check "$env: $what" test "$shape" = "$expect"
}
switch_case "strict-auth off, 7 verifications pass" BREAK_RATE_LIMIT=strict-auth 7 "ok ok ok ok ok ok ok "
check "BREAK_RATE_LIMIT=strict-auth: headers are general-api's" test "$(header_value RateLimit-Limit)" = 1000
# nginx's workers each keep their own round robin, so the order of passes varies; the count does not.
switch_case "each replica counts alone: 10 of 20 pass across two replicas" BREAK_RATE_LIMIT_PER_REPLICA=1 20 10
check "BREAK_RATE_LIMIT_PER_REPLICA=1: nothing counted in Redis" test -z "$(redis_cli --scan --pattern 'ocmt:ratelimit:*')"
switch_case "the 6th is still 429" BREAK_RETRY_AFTER=1 6 "ok ok ok ok ok 429 "
check "BREAK_RETRY_AFTER=1: the 429 has no Retry-After" test "$(header_count Retry-After)" = 0
switch_case "a new X-Forwarded-For per request, all 10 pass" BREAK_TRUST_ANY_PROXY=1 10 \
  "ok ok ok ok ok ok ok ok ok ok " -H "X-Forwarded-For: 203.0.113.@I@"
check "BREAK_TRUST_ANY_PROXY=1: Redis keys for the spoofed addresses" test "$(redis_cli --scan --pattern 'ocmt:ratelimit:management:strict-auth:203.0.113.*' | wc -l)" = 10
check "a checklist-era limiter name stops the server" bash -c "docker run --rm -e BREAK_RATE_LIMIT=strictAuth ocmt-ref/server:$TAG 2>&1 | grep -q 'BREAK_RATE_LIMIT=strictAuth is not a known value; use one of strict-auth, login, vault-unlock, recovery, sessions, general-api'"
check "an unknown RATE_LIMIT_PROFILE stops the server" bash -c "docker run --rm -e RATE_LIMIT_PROFILE=strict ocmt-ref/server:$TAG 2>&1 | grep -q 'RATE_LIMIT_PROFILE=strict is not a known profile; use one of ocmt, checklist'"
check "a checklist-era variable name stops the server" bash -c "docker run --rm -e RATE_LIMIT_STRICTAUTH_MAX=5 ocmt-ref/server:$TAG 2>&1 | grep -q 'RATE_LIMIT_STRICTAUTH_MAX is not a known rate-limit variable'"
check "malformed TRUSTED_PROXIES stops the server" bash -c "docker run --rm -e TRUSTED_PROXIES=10.0.0.0/33 ocmt-ref/server:$TAG 2>&1 | grep -q 'refused to start: TRUSTED_PROXIES'"
remove nginx; remove server-1; remove server-2

echo "== backups"
# Own tables with known contents; the servers' API may have created its own tables too, and the
# comparison covers every table either way.
docker exec "$run_id-postgres" psql -q -U ocmt -d ocmt -v ON_ERROR_STOP=1 -c "
  CREATE TABLE e2e_users (id serial PRIMARY KEY, email text NOT NULL);
  CREATE TABLE e2e_sessions (id serial PRIMARY KEY, user_id int REFERENCES e2e_users(id), token text);
  CREATE TABLE e2e_audit_log (id bigserial PRIMARY KEY, action text, at timestamptz DEFAULT now());
  INSERT INTO e2e_users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 57) g;
  INSERT INTO e2e_sessions (user_id, token) SELECT 1 + g % 57, md5(g::text) FROM generate_series(1, 131) g;
  INSERT INTO e2e_audit_log (action) SELECT 'act' || g FROM generate_series(1, 1009) g;" >/dev/null
counts() { # counts CONTAINER: "table=rows" for every table in the public schema
  docker exec "$1" psql -U ocmt -d ocmt -Atc "
    SELECT string_agg(table_name || '=' || (xpath('/row/c/text()', query_to_xml(
             format('SELECT count(*) AS c FROM public.%I', table_name), false, true, '')))[1]::text, ' '
           ORDER BY table_name)
    FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
}
original=$(counts "$run_id-postgres")
check "the seeded rows are there before the backup" bash -c "echo '$original' | grep -q 'e2e_audit_log=1009 e2e_sessions=131 e2e_users=57'"
echo "  original row counts: $original"

backup_dir() { # a host directory the image's uid 1000 may write, as the README asks
  local d="$work/backups-$1"
  mkdir -p "$d" && chown 1000:1000 "$d" && chmod 700 "$d"
  echo "$d"
}
dir=$(backup_dir hardened)
start backup -v "$dir:/backups" -e DATABASE_URL="$DATABASE_URL" -e BACKUP_PASSPHRASE="$PASSPHRASE" \
  -e BACKUP_INTERVAL_S=3 -e BACKUP_KEEP=3 "ocmt-ref/backup:$TAG"
check "backup: 'OCMT backup ready' after the first backup" wait_log "$run_id-backup" "OCMT backup ready" 60
check "backup: the schedule writes more (BACKUP_INTERVAL_S=3)" wait_log "$run_id-backup" "OCMT backup written" 20 2
out=$(docker exec "$run_id-backup" backup-now)
echo "  backup-now: $out"
check "backup-now prints 'OCMT backup written <file> <bytes>'" bash -c "echo '$out' | grep -qE '^OCMT backup written /backups/ocmt-[0-9]{8}T[0-9]{6}Z\.sql\.gz\.gpg [0-9]+$'"
check "backup-now's line is in the container log too" wait_log "$run_id-backup" "$(echo "$out" | head -1)" 5
check "retention: old backups pruned to BACKUP_KEEP=3" wait_log "$run_id-backup" "OCMT backup removed" 30
check "backup runs as uid 1000" test "$(docker exec "$run_id-backup" id -u)" = 1000
# The scheduler keeps writing every 3 s; stop it so the files below stay put.
remove backup
newest=$(ls "$dir" | grep -E '^ocmt-[0-9]{8}T[0-9]{6}Z\.sql\.gz\.gpg$' | sort | tail -1)
echo "  kept: $(ls "$dir" | tr '\n' ' ')"
check "backup: at most 3 backups kept, all named ocmt-<UTC timestamp>.sql.gz.gpg" test "$(ls "$dir" | grep -cvE '^ocmt-[0-9]{8}T[0-9]{6}Z\.sql\.gz\.gpg$')/$(ls "$dir" | wc -l | awk '{print ($1 <= 3)}')" = "0/1"
check "backup file owned by uid 1000, mode 600" test "$(stat -c '%u %a' "$dir/$newest")" = "1000 600"
check "backup is an OpenPGP message, not gzip or SQL" bash -c "! gzip -t '$dir/$newest' 2>/dev/null && ! grep -q 'CREATE TABLE' '$dir/$newest' && head -c1 '$dir/$newest' | od -An -tx1 | grep -qE '8c|c3'"
check "passphrase appears in no log and no file" bash -c "! docker logs $run_id-backup 2>&1 | grep -qF '$PASSPHRASE' && ! grep -rqF '$PASSPHRASE' '$dir'"

start_postgres restore-pg "$PG_PW"
check "fresh postgres for the restore" wait_log "$run_id-restore-pg" "$PG_READY"
restore() { # restore FILE DATABASE [docker run args...]: backup-restore in a throwaway backup container
  local file=$1 db=$2; shift 2
  docker run --rm --network "$net" -v "$dir:/backups:ro" -e BACKUP_PASSPHRASE="$PASSPHRASE" "$@" "ocmt-ref/backup:$TAG" \
    backup-restore "/backups/$file" "postgresql://ocmt:$PG_PW@restore-pg:5432/$db?sslmode=require"
}
check "backup-restore (gpg -d | gunzip | psql) into the fresh database" restore "$newest" ocmt
restored=$(counts "$run_id-restore-pg")
echo "  restored row counts: $restored"
check "restored row counts equal the original ($original)" test "$restored" = "$original"
docker exec "$run_id-restore-pg" psql -q -U ocmt -d postgres -c 'CREATE DATABASE scratch' >/dev/null
check "the backup does not decrypt with another passphrase" fails restore "$newest" scratch -e BACKUP_PASSPHRASE=wrong

dir=$(backup_dir unencrypted)
start backup-plain -v "$dir:/backups" -e DATABASE_URL="$DATABASE_URL" -e BREAK_BACKUP=unencrypted "ocmt-ref/backup:$TAG"
wait_log "$run_id-backup-plain" "OCMT backup ready" 60 >/dev/null
f=$(ls "$dir" | head -1)
check "BREAK_BACKUP=unencrypted: ocmt-<ts>.sql.gz ($f)" bash -c "echo '$f' | grep -qE '^ocmt-[0-9]{8}T[0-9]{6}Z\.sql\.gz$'"
check "BREAK_BACKUP=unencrypted: readable SQL with gunzip alone" bash -c "gunzip -c '$dir/$f' | grep -q 'CREATE TABLE public.users'"
remove backup-plain

dir=$(backup_dir stale)
start backup-stale -v "$dir:/backups" -e DATABASE_URL="$DATABASE_URL" -e BACKUP_PASSPHRASE="$PASSPHRASE" \
  -e BACKUP_INTERVAL_S=1 -e BREAK_BACKUP=stale "ocmt-ref/backup:$TAG"
wait_log "$run_id-backup-stale" "OCMT backup ready" 60 >/dev/null
sleep 3
f=$(ls "$dir" | head -1)
check "BREAK_BACKUP=stale: the backup looks 3 days old" test "$(stat -c %Y "$dir/$f")" -le $(( $(date +%s) - 3 * 86400 + 60 ))
check "BREAK_BACKUP=stale: nothing more is scheduled (1 file after 3 intervals)" test "$(ls "$dir" | wc -l)" = 1
remove backup-stale

dir=$(backup_dir corrupt)
start backup-corrupt -v "$dir:/backups" -e DATABASE_URL="$DATABASE_URL" -e BACKUP_PASSPHRASE="$PASSPHRASE" \
  -e BREAK_BACKUP=corrupt "ocmt-ref/backup:$TAG"
wait_log "$run_id-backup-corrupt" "OCMT backup ready" 60 >/dev/null
f=$(ls "$dir" | head -1)
check "BREAK_BACKUP=corrupt: the encrypted file is half a backup and does not restore" fails restore "$f" scratch
remove backup-corrupt

dir="$work/backups-root-owned"; mkdir -p "$dir"; chmod 755 "$dir"
check "a /backups the image cannot write stops it with the fix in the message" bash -c \
  "docker run --rm -v '$dir:/backups' -e DATABASE_URL=postgresql://x@y/z -e BACKUP_PASSPHRASE=p ocmt-ref/backup:$TAG 2>&1 | grep -q 'not writable by uid 1000 gid 1000; on the host: chown 1000:1000'"
check "missing BACKUP_PASSPHRASE stops it" bash -c \
  "docker run --rm -e DATABASE_URL=postgresql://x@y/z ocmt-ref/backup:$TAG 2>&1 | grep -q 'BACKUP_PASSPHRASE is required'"

finish
