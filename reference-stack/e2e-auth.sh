#!/usr/bin/env bash
# End-to-end check of the server's stateful API on real containers: postgres, redis, the GreenMail
# mail server, two server replicas behind nginx on a private Docker network, checked from loopback
# only. Logs in through a mailed magic link (read back over IMAP), then sessions, eviction, logout,
# CSRF, the vault and its unlock backoff, integration secrets (the database row is inspected with
# psql inside the postgres container), the admin guard (INTERNAL_ADMIN_TOKEN, admin sessions, the
# admin_ip_allowlist table) and the internal API, and each API switch once on a replica of its own. Needs the images from build-images.sh, plus curl (with IMAP), openssl, jq
# and sha256sum on the host. Removes every container and the network it made, whatever happens;
# keeps the images.
#
# The network gets an explicit subnet whose containers are allocated from its upper half
# (--ip-range), so the servers trust exactly the containers (nginx) as proxies and not the gateway
# from which the host's requests arrive: an admin_ip_allowlist row can then name the gateway as "the
# client", and a made-up X-Forwarded-For from the host is not believed.
set -uo pipefail

# shellcheck source=e2e-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh" ocmt-e2e-auth

PG_PW="e2e-pg-$RANDOM$RANDOM"
REDIS_PW="e2e-redis-$RANDOM$RANDOM"
ENCRYPTION_KEY=$(openssl rand -hex 32)
INTERNAL_ADMIN_TOKEN=$(openssl rand -hex 24)
AGENT_TOKEN=$(openssl rand -hex 32)
ADMIN_UI_TOKEN=$(openssl rand -hex 24)
ADMIN_EMAIL="admin-$$@example.test"
printf '%s\n' "$PG_PW" "$REDIS_PW" "$ENCRYPTION_KEY" "$INTERNAL_ADMIN_TOKEN" "$AGENT_TOKEN" "$ADMIN_UI_TOKEN" > "$work/secrets"

# ---- HTTP helpers: req sets $code, keeps headers in $work/h and the body in $work/b -------------

req() { # req BASE METHOD PATH [curl args...]
  local base=$1 method=$2 path=$3; shift 3
  code=$(curl -s --max-time 30 -o "$work/b" -D "$work/h" -w '%{http_code}' -X "$method" "${tls[@]}" \
    -H 'X-Forwarded-Proto: https' "$@" "$base$path")
}
post_json() { # post_json BASE PATH JSON [curl args...]
  local base=$1 path=$2 json=$3; shift 3
  req "$base" POST "$path" -H 'Content-Type: application/json' --data "$json" "$@"
}
body() { cat "$work/b"; }
jf() { jq -r "$1" "$work/b" 2>/dev/null; }
cookie_line() { grep -i "^Set-Cookie: $1=" "$work/h" | head -1 | tr -d '\r'; }
is() { [ "$code" = "$1" ] && [ "$(body)" = "$2" ]; } # is STATUS EXACT-BODY
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
sql() { docker exec "$run_id-postgres" psql -U ocmt -d ocmt -Atc "$1"; }
remember() { printf '%s\n' "$1" >> "$work/secrets"; }

mail_uids() { curl -s --max-time 10 --user "$1:x" "imap://127.0.0.1:$IMAP/INBOX" -X 'UID SEARCH ALL' | tr -d '\r' | sed -n 's/^\* SEARCH//p'; }
last_mail() { # last_mail EMAIL: the newest message, headers and body
  local uid; uid=$(mail_uids "$1" | awk '{print $NF}')
  [ -n "$uid" ] && curl -s --max-time 10 --user "$1:x" "imap://127.0.0.1:$IMAP/INBOX;UID=$uid"
}
magic() { # magic BASE EMAIL: asks for a link and prints the token from the mail that arrives
  local base=$1 email=$2 before deadline token
  before=$(mail_uids "$email" | wc -w)
  post_json "$base" /api/auth/login "{\"email\":\"$email\"}"
  [ "$code" = 200 ] || return 1
  deadline=$(( $(date +%s) + 20 ))
  until [ "$(mail_uids "$email" | wc -w)" -gt "$before" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.2
  done
  token=$(last_mail "$email" | grep -o 'verify?token=[0-9a-f]*' | head -1 | cut -d= -f2)
  remember "$token"
  echo "$token"
}
login() { # login BASE EMAIL: prints a session token
  local t; t=$(magic "$1" "$2") || return 1
  req "$1" GET "/api/auth/verify?token=$t" -H 'Accept: application/json'
  [ "$code" = 200 ] || return 1
  remember "$(jf .sessionToken)"
  jf .sessionToken
}
me() { req "$1" GET /api/auth/me -H "X-Session-Token: $2"; } # me BASE TOKEN

echo "== network, certificate, backing services"
create_network 232
make_cert

start_postgres postgres "$PG_PW"
start_redis redis -e REDIS_PASSWORD="$REDIS_PW"
start_mail -p 127.0.0.1::3143
check "mail ready" wait_log "$run_id-mail" "$MAIL_READY" 90
IMAP=$(host_port mail 3143)

HTTPS=$(free_port); HTTP=$(free_port)
base="https://localhost:$HTTPS"
tls=(--cacert "$work/server.crt" --resolve "localhost:$HTTPS:127.0.0.1")

# What every replica gets; rate limits are raised out of the way (they have their own e2e check).
server_env=(
  -e DATABASE_URL="postgresql://ocmt:$PG_PW@postgres:5432/ocmt?sslmode=require"
  -e REDIS_URL="redis://:$REDIS_PW@redis:6379" -e REDIS_PASSWORD="$REDIS_PW"
  -e SMTP_HOST=mail -e SMTP_PORT=3025
  -e ENCRYPTION_KEY="$ENCRYPTION_KEY" -e INTERNAL_ADMIN_TOKEN="$INTERNAL_ADMIN_TOKEN" -e AGENT_SERVER_TOKEN="$AGENT_TOKEN"
  -e ADMIN_EMAILS="$ADMIN_EMAIL"
  -e APP_URL="$base" -e USER_UI_URL="$base"
  -e TRUST_PROXY=1 -e TRUSTED_PROXIES="$range"
  -e MAX_SESSIONS_PER_USER=3
  -e RATE_LIMIT_STRICT_AUTH_MAX=100000 -e RATE_LIMIT_LOGIN_MAX=100000 -e RATE_LIMIT_VAULT_UNLOCK_MAX=100000
  -e RATE_LIMIT_RECOVERY_MAX=100000 -e RATE_LIMIT_SESSIONS_MAX=100000 -e RATE_LIMIT_GENERAL_API_MAX=1000000
)

echo "== two replicas behind nginx, starting together against an empty database"
start_server server-1 "${server_env[@]}"
start_server server-2 "${server_env[@]}"
check "server-1 ready" wait_log "$run_id-server-1" "$SERVER_READY" 90
check "server-2 ready" wait_log "$run_id-server-2" "$SERVER_READY" 90
check "both created the schema under the advisory lock" bash -c "docker logs $run_id-server-1 2>&1 | grep -q 'Database schema ready' && docker logs $run_id-server-2 2>&1 | grep -q 'Database schema ready'"
check "every table exists" test "$(sql "select count(*) from information_schema.tables where table_schema='public' and table_name in ('users','sessions','magic_links','user_integrations','secrets','audit_log','security_events','admin_ip_allowlist')")" = 8
check "the server connects to postgres over TLS" test "$(sql "select count(*) from pg_stat_ssl s join pg_stat_activity a using (pid) where a.application_name='ocmt-reference' and s.ssl")" -ge 1

check "nginx ready" start_nginx nginx "$HTTPS" "$HTTP"

echo "== magic-link login"
A="alice-$$@example.test"
post_json "$base" /api/auth/login "{\"email\":\"$A\"}"
first="$code $(body)"
check "login (unknown address) answers 200 and the neutral message" is 200 '{"success":true,"message":"If an account exists, a login link has been sent"}'
post_json "$base" /api/auth/login "{\"email\":\"$A\"}"
check "login (now known) answers exactly the same" test "$code $(body)" = "$first"
check "the user was created pending, gateway token stored as v1" test "$(sql "select status || ' ' || (gateway_token ~ '^v1:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]{22}==:.+') from users where email='$A'")" = "pending true"
timed_login() { curl -s -o /dev/null -w '%{time_total}\n' --max-time 30 "${tls[@]}" -H 'X-Forwarded-Proto: https' \
  -H 'Content-Type: application/json' --data "{\"email\":\"$1\"}" "$base/api/auth/login"; }
for i in $(seq 1 15); do timed_login "new-$i-$$@example.test" >>"$work/t-unknown"; timed_login "$A" >>"$work/t-known"; done
# Medians: single commits on a container's disk vary by tens of milliseconds either way.
median() { sort -n "$1" | awk '{v[NR] = $1} END {printf "%.4f", v[int((NR + 1) / 2)]}'; }
echo "       median login time: unknown address $(median "$work/t-unknown") s, known $(median "$work/t-known") s"
check "known and unknown addresses take about as long (medians within 50 ms)" \
  awk -v a="$(median "$work/t-unknown")" -v b="$(median "$work/t-known")" 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(d < 0.05)}'
post_json "$base" /api/auth/login '{"email":"not-an-email"}'
check "invalid address: 400 Valid email required" is 400 '{"error":"Valid email required"}'
post_json "$base" /api/auth/login '{"email":42}'
check "wrong type: 400 Valid email required" is 400 '{"error":"Valid email required"}'
post_json "$base" /api/auth/login '{}'
check "missing field: 400 Valid email required" is 400 '{"error":"Valid email required"}'
post_json "$base" /api/auth/login '{"email":'
check "malformed JSON: 400 INVALID_JSON, no stack trace" bash -c "[ $code = 400 ] && grep -q INVALID_JSON $work/b && ! grep -qi 'exception\|at io\.' $work/b"

t1=$(magic "$base" "$A")
mail=$(last_mail "$A")
check "the mail carries <USER_UI_URL>/verify?token=<64 hex>" grep -q "$base/verify?token=$t1" <<<"$mail"
check "the token in the link is 64 hex" bash -c "[[ '$t1' =~ ^[0-9a-f]{64}$ ]]"
check "mail from OCMT <no-reply@ocmt.test>" grep -q '^From: OCMT <no-reply@ocmt.test>' <<<"$mail"
check "mail subject 'Your OCMT login link'" grep -q '^Subject: Your OCMT login link' <<<"$mail"
check "magic_links keeps SHA-256 of the token only" test "$(sql "select count(*) from magic_links where token='$(sha "$t1")'")/$(sql "select count(*) from magic_links where token='$t1'")" = "1/0"

req "$base" GET "/api/auth/verify?token=$t1" -H 'Accept: application/json'
S1=$(jf .sessionToken); remember "$S1"
check "verify (JSON): 200 with user, 64-hex session token, expiresAt" bash -c "[ $code = 200 ] && [ \"\$(jq -r '.success,.user.email,.user.status' $work/b | tr '\n' ' ')\" = 'true $A pending ' ] && [[ '$S1' =~ ^[0-9a-f]{64}$ ]] && jq -e '.expiresAt and .user.id' $work/b"
check "session cookie: HttpOnly, Secure, SameSite=Lax, Path=/, Expires" bash -c "[[ \"$(cookie_line ocmt_session)\" =~ ^Set-Cookie:\ ocmt_session=$S1\;\ Path=/\;\ Expires=[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT\;\ HttpOnly\;\ Secure\;\ SameSite=Lax$ ]]"
check "XSRF-TOKEN cookie: readable by scripts, Secure, SameSite=Strict" bash -c "l='$(cookie_line XSRF-TOKEN)'; [[ \$l == *Secure* && \$l == *SameSite=Strict* && \$l != *HttpOnly* ]]"
check "sessions keeps SHA-256 of the session token only" test "$(sql "select count(*) from sessions where token='$(sha "$S1")'")/$(sql "select count(*) from sessions where token='$S1'")" = "1/0"
req "$base" GET "/api/auth/verify?token=$t1" -H 'Accept: application/json'
check "reusing the link: 400 Invalid or expired magic link" is 400 '{"error":"Invalid or expired magic link"}'
req "$base" GET "/api/auth/verify?token=$(openssl rand -hex 32)" -H 'Accept: application/json'
check "unknown link: 400 Invalid or expired magic link" is 400 '{"error":"Invalid or expired magic link"}'
req "$base" GET "/api/auth/verify" -H 'Accept: application/json'
check "no token: 400 Token required" is 400 '{"error":"Token required"}'
check "a failed verify is a security event, on stdout (marker field) and in the table" bash -c "(docker logs $run_id-server-1 2>&1; docker logs $run_id-server-2 2>&1) | grep '\"type\":\"security_event\"' | grep -q auth.login_failed && [ \$(docker exec $run_id-postgres psql -U ocmt -d ocmt -Atc \"select count(*) from security_events where event_type='auth.login_failed'\") -ge 2 ]"

t2=$(magic "$base" "$A")
req "$base" GET "/api/auth/verify?token=$t2" -H 'Accept: text/html'
check "verify (browser): 302 to <USER_UI_URL>/ with the session cookie" bash -c "[ $code = 302 ] && [ '$(header_value Location)' = '$base/' ] && grep -qi '^Set-Cookie: ocmt_session=[0-9a-f]\{64\}; Path=/' $work/h"
S2=$(cookie_line ocmt_session | sed 's/^Set-Cookie: ocmt_session=\([0-9a-f]*\);.*/\1/'); remember "$S2"

echo "== sessions"
me "$base" "$S1"
check "/me with X-Session-Token: 200 {user}" bash -c "[ $code = 200 ] && [ \"\$(jq -r '.user.email' $work/b)\" = '$A' ]"
req "$base" GET /api/auth/me -H "Cookie: ocmt_session=$S2"
check "/me with the cookie: 200" test "$code" = 200
check "/me issues the XSRF-TOKEN cookie" bash -c "grep -qi '^Set-Cookie: XSRF-TOKEN=[0-9a-f]\{64\};' $work/h"
req "$base" GET /api/auth/me
check "/me without token: 401 Authentication required" is 401 '{"error":"Authentication required"}'
me "$base" "$(openssl rand -hex 32)"
check "/me with an unknown token: 401 Invalid or expired session" is 401 '{"error":"Invalid or expired session"}'
req "$base" GET "/api/auth/me?token=$S1"
check "?token= is refused: 401 Authentication required" is 401 '{"error":"Authentication required"}'
req "$base" GET "/api/auth/me?sessionToken=$S1"
check "?sessionToken= is refused: 401 Authentication required" is 401 '{"error":"Authentication required"}'
req "$base" GET /api/auth/me -H "Authorization: Bearer $S1"
check "Authorization: Bearer is refused: 401 Authentication required" is 401 '{"error":"Authentication required"}'
before=$(sql "select last_activity_at from sessions where token='$(sha "$S1")'")
me "$base" "$S1"
check "use updates last_activity_at" test "$(sql "select last_activity_at > '$before'::timestamptz from sessions where token='$(sha "$S1")'")" = t

req "$base" GET /api/auth/sessions -H "X-Session-Token: $S1"
check "list: both sessions, one current, OCMT's fields" bash -c "[ $code = 200 ] && jq -e '.count == 2 and ([.sessions[] | select(.isCurrent)] | length) == 1 and (.sessions[0] | has(\"id\") and has(\"createdAt\") and has(\"expiresAt\") and has(\"lastActivityAt\") and has(\"ipAddress\") and has(\"userAgent\"))' $work/b"
check "the client address is the host's (through nginx), not a proxy's" bash -c "jq -e '.sessions[0].ipAddress == \"$gateway\"' $work/b"
id1=$(jq -r '.sessions[] | select(.isCurrent) | .id' "$work/b")
id2=$(jq -r '.sessions[] | select(.isCurrent | not) | .id' "$work/b")
req "$base" DELETE /api/auth/sessions/not-a-uuid -H "X-Session-Token: $S1"
check "revoke non-UUID: 400 Invalid session id" is 400 '{"error":"Invalid session id"}'
req "$base" DELETE "/api/auth/sessions/$(cat /proc/sys/kernel/random/uuid)" -H "X-Session-Token: $S1"
check "revoke unknown: 404" test "$code" = 404
req "$base" DELETE "/api/auth/sessions/$id1" -H "X-Session-Token: $S1"
check "revoke current: 400 CANNOT_REVOKE_CURRENT" is 400 '{"error":"Cannot revoke current session","code":"CANNOT_REVOKE_CURRENT"}'
B="bob-$$@example.test"
SB=$(login "$base" "$B")
req "$base" GET /api/auth/sessions -H "X-Session-Token: $SB"
idb=$(jq -r '.sessions[0].id' "$work/b")
req "$base" DELETE "/api/auth/sessions/$idb" -H "X-Session-Token: $S1"
check "revoking another user's session: 404" test "$code" = 404
req "$base" DELETE "/api/auth/sessions/$id2" -H "X-Session-Token: $S1"
check "revoke other: 200" test "$code" = 200
me "$base" "$S2"
check "the revoked session is dead" is 401 '{"error":"Invalid or expired session"}'

E="eve-$$@example.test"
E1=$(login "$base" "$E"); E2=$(login "$base" "$E"); E3=$(login "$base" "$E")
me "$base" "$E1"   # E2 is now the least recently active
E4=$(login "$base" "$E")
me "$base" "$E2"; c2=$code
me "$base" "$E1"; c1=$code
me "$base" "$E3"; c3=$code
me "$base" "$E4"; c4=$code
check "MAX_SESSIONS_PER_USER=3: the 4th login evicts the least recently active" test "$c2" = 401
check "... and only that one" test "$c1 $c3 $c4" = "200 200 200"
req "$base" DELETE /api/auth/sessions -H "X-Session-Token: $E4"
check "revoke all but current: {success, revoked: 2}" is 200 '{"success":true,"revoked":2}'
me "$base" "$E1"; c1=$code; me "$base" "$E3"; c3=$code; me "$base" "$E4"; c4=$code
check "... others dead, current alive" test "$c1 $c3 $c4" = "401 401 200"

req "$base" POST /api/auth/logout -H "X-Session-Token: $E4"
check "logout: 200 {success:true}" is 200 '{"success":true}'
check "logout clears the cookie with an expired Set-Cookie" bash -c "grep -qi '^Set-Cookie: ocmt_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax' $work/h"
check "logout deleted the row" test "$(sql "select count(*) from sessions where token='$(sha "$E4")'")" = 0
me "$base" "$E4"
check "the logged-out token is dead" is 401 '{"error":"Invalid or expired session"}'

echo "== CSRF"
post_json "$base" /api/vault/lock '{}' -H "X-Session-Token: $S1" -H 'Origin: https://evil.example'
check "foreign Origin: 403 CSRF_ORIGIN_INVALID" is 403 '{"error":"CSRF validation failed","code":"CSRF_ORIGIN_INVALID"}'
post_json "$base" /api/vault/lock '{}' -H "X-Session-Token: $S1" -H 'Referer: https://evil.example/page'
check "foreign Referer: 403 CSRF_ORIGIN_INVALID" test "$code" = 403
post_json "$base" /api/auth/login "{\"email\":\"$A\"}" -H 'Origin: https://evil.example'
check "login is origin-checked too" test "$code" = 403
post_json "$base" /api/vault/lock '{}' -H "X-Session-Token: $S1" -H "Origin: $base"
check "own Origin passes" test "$code" = 200
post_json "$base" /api/vault/lock '{}' -H "X-Session-Token: $S1"
check "neither Origin nor Referer passes" test "$code" = 200
me "$base" "$S1"; xsrf=$(grep -i '^Set-Cookie: XSRF-TOKEN=' "$work/h" | sed 's/^[^=]*=\([0-9a-f]*\);.*/\1/')
post_json "$base" /api/vault/lock '{}' -H "Cookie: ocmt_session=$S1; XSRF-TOKEN=$xsrf"
check "XSRF-TOKEN cookie without X-CSRF-Token: 403 CSRF_TOKEN_INVALID" is 403 '{"error":"CSRF token invalid","code":"CSRF_TOKEN_INVALID"}'
post_json "$base" /api/vault/lock '{}' -H "Cookie: ocmt_session=$S1; XSRF-TOKEN=$xsrf" -H "X-CSRF-Token: $(openssl rand -hex 32)"
check "wrong X-CSRF-Token: 403" test "$code" = 403
post_json "$base" /api/vault/lock '{}' -H "Cookie: ocmt_session=$S1; XSRF-TOKEN=$xsrf" -H "X-CSRF-Token: $xsrf"
check "matching X-CSRF-Token passes" test "$code" = 200
check "CSRF refusals are security events" test "$(sql "select count(*) from security_events where event_type like 'csrf.%'")" -ge 4

echo "== vault"
post_json "$base" /api/vault/setup '{"password":"short"}' -H "X-Session-Token: $S1"
check "setup with a short password: 400" test "$code" = 400
post_json "$base" /api/vault/setup '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
code_r=$(jf .recoveryCode); remember "$code_r"
check "setup: 200 with a recovery code" bash -c "[ $code = 200 ] && [[ '$code_r' =~ ^[0-9a-f]{4}(-[0-9a-f]{4}){7}$ ]]"
post_json "$base" /api/vault/setup '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
check "second setup: 400 Vault already exists" is 400 '{"error":"Vault already exists"}'
vault=$(sql "select vault::text from users where email='$A'")
check "users.vault is OCMT's format (argon2id m=65536 t=3 p=4, aes-256-gcm)" jq -e '.version == 1 and .format == "ocmt-vault" and .kdf.algorithm == "argon2id" and .kdf.memory == 65536 and .kdf.iterations == 3 and .kdf.parallelism == 4 and .encryption.algorithm == "aes-256-gcm" and (.kdf.salt | test("^[A-Za-z0-9+/]{22}==$")) and (.encryption.nonce | test("^[A-Za-z0-9+/]{16}$")) and (.encryption.tag | test("^[A-Za-z0-9+/]{22}==$")) and (.ciphertext | length) > 0' <<<"$vault"
check "the vault keeps only a hash of the recovery code" bash -c "! grep -q '$(tr -d - <<<"$code_r")' <<<'$vault' && ! grep -q '$code_r' <<<'$vault'"
post_json "$base" /api/vault/unlock '{"password":"wrong password!!"}' -H "X-Session-Token: $S1"
check "wrong password: 401 Invalid vault password" is 401 '{"error":"Invalid vault password"}'
post_json "$base" /api/vault/unlock '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
check "right away, even the right password: 429 VAULT_BACKOFF retryAfter 1" is 429 '{"error":"Too many failed attempts","code":"VAULT_BACKOFF","retryAfter":1}'
check "... with Retry-After: 1" test "$(header_value Retry-After)" = 1
sleep 1.1
post_json "$base" /api/vault/unlock '{"password":"wrong again!!"}' -H "X-Session-Token: $S1"
check "after the window, a second wrong password: 401" test "$code" = 401
post_json "$base" /api/vault/unlock '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
check "the window doubled: 429 retryAfter 2 (on either replica)" bash -c "[ $code = 429 ] && jq -e '.retryAfter == 2' $work/b && [ '$(header_value Retry-After)' = 2 ]"
sleep 2.1
post_json "$base" /api/vault/unlock '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
V1=$(jf .vaultSessionToken); remember "$V1"
check "right password after the window: 200 {vaultSessionToken, expiresIn 3600}" bash -c "[ $code = 200 ] && jq -e '.success == true and .expiresIn == 3600 and (.vaultSessionToken | test(\"^[0-9a-f]{64}$\"))' $work/b"
check "vault cookie: ocmt_vault_session, HttpOnly, Secure" bash -c "l='$(cookie_line ocmt_vault_session)'; [[ \$l == *HttpOnly* && \$l == *Secure* ]]"
check "unlock failures are security events" test "$(sql "select count(*) from security_events where event_type='vault.unlock_failed'")" = 2
check "Redis keeps the vault session under the token's hash, not the token" \
  test "$(redis_cli exists "vault:session:$(sha "$V1")" 2>&1)/$(redis_cli exists "vault:session:$V1" 2>&1)" = 1/0
req "$base" GET /api/vault/data -H "X-Session-Token: $S1"
check "data without X-Vault-Session: 401 VAULT_LOCKED" is 401 '{"error":"Vault is locked","code":"VAULT_LOCKED"}'
req "$base" GET /api/vault/data -H "X-Session-Token: $S1" -H "X-Vault-Session: $V1"
check "data with X-Vault-Session: 200, OCMT's empty vault" bash -c "[ $code = 200 ] && jq -e '.data.credentials == [] and .data.memory.facts == []' $work/b"
req "$base" PUT /api/vault/data -H "X-Session-Token: $S1" -H "X-Vault-Session: $V1" -H 'Content-Type: application/json' --data '{"data":{"note":"e2e secret note"}}'
check "put data: 200" test "$code" = 200
check "the stored vault does not contain the data in clear" test "$(sql "select count(*) from users where email='$A' and vault::text like '%e2e secret note%'")" = 0
ok_reads=0
for _ in 1 2; do
  req "$base" GET /api/vault/data -H "X-Session-Token: $S1" -H "X-Vault-Session: $V1"
  [ "$(jf .data.note)" = "e2e secret note" ] && ok_reads=$((ok_reads + 1))
done
check "the data reads back on both replicas" test "$ok_reads" = 2
req "$base" GET /api/vault/data -H "X-Session-Token: $SB" -H "X-Vault-Session: $V1"
check "another user's vault session is refused" test "$code" = 401
post_json "$base" /api/vault/lock '{}' -H "X-Session-Token: $S1" -H "X-Vault-Session: $V1"
check "lock: 200" is 200 '{"success":true}'
req "$base" GET /api/vault/data -H "X-Session-Token: $S1" -H "X-Vault-Session: $V1"
check "after lock the vault session is dead" test "$code" = 401
post_json "$base" /api/vault/recover '{"recoveryCode":"0000-0000-0000-0000-0000-0000-0000-0000","newPassword":"another long password"}' -H "X-Session-Token: $S1"
check "recover with a wrong code: 401" test "$code" = 401
post_json "$base" /api/vault/recover "{\"recoveryCode\":\"$code_r\",\"newPassword\":\"another long password\"}" -H "X-Session-Token: $S1"
check "recover with the code: 200" test "$code" = 200
post_json "$base" /api/vault/unlock '{"password":"another long password"}' -H "X-Session-Token: $S1"
V2=$(jf .vaultSessionToken); remember "$V2"
req "$base" GET /api/vault/data -H "X-Session-Token: $S1" -H "X-Vault-Session: $V2"
check "the re-keyed vault opens with the new password and keeps the data" test "$(jf .data.note)" = "e2e secret note"
post_json "$base" /api/vault/unlock '{"password":"correct horse battery"}' -H "X-Session-Token: $S1"
check "the old password no longer opens it" test "$code" = 401

post_json "$base" /api/vault/setup '{"password":"bob vault password"}' -H "X-Session-Token: $SB"
for i in 1 2 3 4 5 6; do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 "${tls[@]}" -H 'X-Forwarded-Proto: https' \
    -H 'Content-Type: application/json' -H "X-Session-Token: $SB" --data "{\"password\":\"guess number $i\"}" \
    "$base/api/vault/unlock" >>"$work/parallel" &
done
wait
check "six wrong guesses at once, across replicas: one is tried (401), five refused (429)" \
  test "$(sort "$work/parallel" | uniq -c | awk '{printf "%s:%s ", $2, $1}')" = "401:1 429:5 "

echo "== integration secrets"
KEY="sk-e2e-$(openssl rand -hex 12)"; remember "$KEY"
post_json "$base" /api/integrations "{\"provider\":\"openai\",\"apiKey\":\"$KEY\"}" -H "X-Session-Token: $S1"
iid=$(jf .id)
check "add: 201 {id}" bash -c "[ $code = 201 ] && [[ '$iid' =~ ^[0-9a-f-]{36}$ ]]"
row=$(sql "select api_key_encrypted from user_integrations where id='$iid'")
check "api_key_encrypted is v1:<16-byte IV>:<16-byte tag>:<ciphertext>" bash -c "[[ '$row' =~ ^v1:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$ ]]"
check "the key is nowhere in the row" test "$(sql "select count(*) from user_integrations where id='$iid' and row(user_integrations.*)::text like '%$KEY%'")" = 0
req "$base" GET "/api/integrations/$iid" -H "X-Session-Token: $S1"
check "owner reads it back decrypted" bash -c "[ $code = 200 ] && jq -e '.id == \"$iid\" and .provider == \"openai\" and .apiKey == \"$KEY\"' $work/b"
req "$base" GET "/api/integrations/$iid" -H "X-Session-Token: $SB"
check "another user: 404" test "$code" = 404
post_json "$base" /api/integrations '{"provider":"openai"}' -H "X-Session-Token: $S1"
check "missing apiKey: 400" test "$code" = 400
req "$base" DELETE "/api/integrations/$iid" -H "X-Session-Token: $S1"
check "delete: 200" test "$code" = 200
req "$base" GET "/api/integrations/$iid" -H "X-Session-Token: $S1"
check "deleted: 404" test "$code" = 404

echo "== admin and internal"
AUTH_REQUIRED='{"error":"Authentication required"}'
IP_REFUSED='{"error":"Access denied: IP not in admin allowlist","code":"ADMIN_IP_NOT_ALLOWED"}'
allow() { sql "INSERT INTO admin_ip_allowlist (cidr, description) VALUES ('$1', 'e2e')" >/dev/null; } # allow CIDR
req "$base" GET /api/admin/users
check "admin without credentials: 401 Authentication required" is 401 "$AUTH_REQUIRED"
req "$base" GET /api/admin/users -H "Authorization: Bearer wrong-$INTERNAL_ADMIN_TOKEN"
check "admin with a wrong Bearer: 401 Authentication required" is 401 "$AUTH_REQUIRED"
req "$base" GET /api/admin/no/such/route
check "an unknown admin path is guarded too: 401" is 401 "$AUTH_REQUIRED"
req "$base" GET /api/admin/users -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "admin with Bearer INTERNAL_ADMIN_TOKEN: 200 users" bash -c "[ $code = 200 ] && jq -e '.count >= 3 and (.users | map(.email) | index(\"$A\")) != null' $work/b"
req "$base" GET /api/admin/stats -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "admin stats: 200" bash -c "[ $code = 200 ] && jq -e '.users >= 3' $work/b"
req "$base" GET /api/admin/users -H "Authorization: Bearer $S1"
check "a session token is not an admin token: 401" is 401 "$AUTH_REQUIRED"
req "$base" GET /api/admin/users -H "X-Session-Token: $S1"
check "a non-admin session: 403 Admin access required" is 403 '{"error":"Admin access required"}'
SA=$(login "$base" "$ADMIN_EMAIL")
req "$base" GET /api/admin/users -H "X-Session-Token: $SA"
check "a session of an ADMIN_EMAILS address: 200" test "$code" = 200
req "$base" GET /api/admin/security/ip-allowlist -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "ip-allowlist with no rows: 200, no restriction" is 200 '{"entries":[],"count":0}'
allow 192.0.2.0/24
req "$base" GET /api/admin/security/ip-allowlist -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "a row that leaves the client out (read at once): 403 ADMIN_IP_NOT_ALLOWED" is 403 "$IP_REFUSED"
req "$base" GET /api/admin/security/ip-allowlist -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN" -H 'X-Forwarded-For: 192.0.2.5'
check "... also when the client claims an allowed address in X-Forwarded-For" is 403 "$IP_REFUSED"
req "$base" GET /api/admin/security/anything
check "... and before the admin check: 403 without credentials" is 403 "$IP_REFUSED"
req "$base" GET /api/admin/users -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "the allowlist guards /api/admin/security only (OCMT): users still 200" test "$code" = 200
allow "$gateway/32"
req "$base" GET /api/admin/security/ip-allowlist -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "a row with the client's address (the gateway, through nginx): 200 with both rows" bash -c "[ $code = 200 ] && jq -e '.count == 2 and (.entries | map(.cidr) | sort) == ([\"192.0.2.0/24\", \"$gateway/32\"] | sort) and (.entries[0] | has(\"id\") and has(\"description\") and has(\"createdAt\"))' $work/b"
req "$base" GET /api/admin/security/ip-allowlist
check "an allowed address still needs to be admin: 401" is 401 "$AUTH_REQUIRED"
sql "DELETE FROM admin_ip_allowlist" >/dev/null
check "admin denials are security events" test "$(sql "select count(*) from security_events where event_type='admin.access_denied'")" -ge 6
check "an IP refusal is recorded with its reason" test "$(sql "select count(*) from security_events where event_type='admin.access_denied' and details->>'reason' = 'ip_not_allowed'")" -ge 3

req "$base" GET /api/internal/metrics/wake
check "internal without a token: 401 Unauthorized" is 401 '{"error":"Unauthorized"}'
req "$base" GET /api/internal/metrics/wake -H "Authorization: Bearer nope"
check "internal with a wrong Bearer: 401" is 401 '{"error":"Unauthorized"}'
req "$base" GET /api/internal/metrics/wake -H "x-auth-token: $AGENT_TOKEN"
check "internal with the token in x-auth-token (the agent server's header): 401" is 401 '{"error":"Unauthorized"}'
req "$base" GET /api/internal/metrics/wake -H "Authorization: Bearer $AGENT_TOKEN"
check "internal metrics with Bearer AGENT_SERVER_TOKEN: 200" bash -c "[ $code = 200 ] && jq -e '.totalRequests == 0 and has(\"avgWakeLatencyMs\")' $work/b"
alice_id=$(sql "select id from users where email='$A'")
req "$base" GET "/api/internal/users/$alice_id" -H "Authorization: Bearer $AGENT_TOKEN"
check "internal user by id: 200 with the user" bash -c "[ $code = 200 ] && jq -e '.id == \"$alice_id\" and .email == \"$A\"' $work/b"
req "$base" GET "/api/internal/users/$(cat /proc/sys/kernel/random/uuid)" -H "Authorization: Bearer $AGENT_TOKEN"
check "internal unknown user: 404 User not found" is 404 '{"error":"User not found"}'
req "$base" GET /api/internal/users/not-a-uuid -H "Authorization: Bearer $AGENT_TOKEN"
check "internal malformed id: 404 User not found" is 404 '{"error":"User not found"}'
req "$base" GET /internal/containers -H "x-auth-token: $AGENT_TOKEN"
check "the old /internal/* answers like any unknown route: 404 NOT_FOUND" bash -c "[ $code = 404 ] && jq -e '.error.code == \"NOT_FOUND\"' $work/b"

check "round robin reached server-1 for the API" bash -c "docker logs $run_id-server-1 2>&1 | grep -q 'GET /api/auth/me 200'"
check "round robin reached server-2 for the API" bash -c "docker logs $run_id-server-2 2>&1 | grep -q 'GET /api/auth/me 200'"

echo "== one replica per configuration or switch, straight to port 3000"
# replica NAME [extra -e args...]: starts it with the shared environment, waits until ready.
replica() {
  local name=$1; shift
  start_server "$name" -p 127.0.0.1::3000 "${server_env[@]}" "$@"
}
replica short -e USER_SESSION_TIMEOUT_MS=2000 -e MAGIC_LINK_TTL_MS=1500
replica sw-lifetime -e BREAK_SESSION_LIFETIME=1 -e USER_SESSION_TIMEOUT_MS=2000
replica sw-logout -e BREAK_LOGOUT=1
replica sw-reuse -e BREAK_MAGIC_LINK_REUSE=1
replica sw-limit -e BREAK_SESSION_LIMIT=1 -e MAX_SESSIONS_PER_USER=2
replica sw-admin -e BREAK_ADMIN_GUARD=1
replica sw-plain -e BREAK_SECRETS_PLAINTEXT=1
replica sw-raw -e BREAK_SESSION_TOKENS_RAW=1
replica sw-query -e BREAK_QUERY_TOKEN=1
replica sw-enum -e BREAK_ENUMERATION=1
replica sw-csrf -e BREAK_CSRF=1
replica no-admin-token -e INTERNAL_ADMIN_TOKEN= -e AGENT_SERVER_TOKEN= -e ADMIN_TOKEN="$ADMIN_UI_TOKEN"
replica sw-admin-ip -e BREAK_ADMIN_IP_ALLOWLIST=1
for r in short sw-lifetime sw-logout sw-reuse sw-limit sw-admin sw-plain sw-raw sw-query sw-enum sw-csrf no-admin-token sw-admin-ip; do
  wait_log "$run_id-$r" "$SERVER_READY" 120 >/dev/null || bad "$r starts"
done

u="short-$$@example.test"; b=$(direct short)
t=$(magic "$b" "$u"); sleep 1.6
req "$b" GET "/api/auth/verify?token=$t" -H 'Accept: application/json'
check "MAGIC_LINK_TTL_MS=1500: a link is dead after its lifetime" is 400 '{"error":"Invalid or expired magic link"}'
s=$(login "$b" "$u"); me "$b" "$s"; c=$code; sleep 2.2; me "$b" "$s"
check "USER_SESSION_TIMEOUT_MS=2000: 200, then 401 SESSION_EXPIRED" bash -c "[ $c = 200 ] && [ '$code $(body)' = '401 {\"error\":\"Session expired\",\"code\":\"SESSION_EXPIRED\"}' ]"

b=$(direct sw-lifetime); s=$(login "$b" "lifetime-$$@example.test"); sleep 2.2; me "$b" "$s"
check "BREAK_SESSION_LIFETIME=1: the session outlives USER_SESSION_TIMEOUT_MS" test "$code" = 200

b=$(direct sw-logout); s=$(login "$b" "logout-$$@example.test")
req "$b" POST /api/auth/logout -H "X-Session-Token: $s"; c=$code; me "$b" "$s"
check "BREAK_LOGOUT=1: logout answers 200 but the session stays valid" test "$c $code" = "200 200"

b=$(direct sw-reuse); t=$(magic "$b" "reuse-$$@example.test")
req "$b" GET "/api/auth/verify?token=$t" -H 'Accept: application/json'; c=$code
req "$b" GET "/api/auth/verify?token=$t" -H 'Accept: application/json'
check "BREAK_MAGIC_LINK_REUSE=1: a link works twice" test "$c $code" = "200 200"

b=$(direct sw-limit); u="limit-$$@example.test"
s1=$(login "$b" "$u"); s2=$(login "$b" "$u"); s3=$(login "$b" "$u")
me "$b" "$s1"; c1=$code; me "$b" "$s2"; c2=$code; me "$b" "$s3"
check "BREAK_SESSION_LIMIT=1: MAX_SESSIONS_PER_USER=2 but all 3 sessions live" test "$c1 $c2 $code" = "200 200 200"

req "$(direct sw-admin)" GET /api/admin/users
check "BREAK_ADMIN_GUARD=1: admin answers 200 without a token" test "$code" = 200
req "$(direct sw-admin)" GET /api/admin/security/ip-allowlist
check "BREAK_ADMIN_GUARD=1: ... the security routes too" test "$code" = 200

b=$(direct sw-plain); s=$(login "$b" "plain-$$@example.test")
post_json "$b" /api/integrations '{"provider":"anthropic","apiKey":"sk-plain-visible"}' -H "X-Session-Token: $s"
check "BREAK_SECRETS_PLAINTEXT=1: the API key is in the row in clear" test "$(sql "select api_key_encrypted from user_integrations where id='$(jf .id)'")" = sk-plain-visible

b=$(direct sw-raw); t=$(magic "$b" "raw-$$@example.test")
check "BREAK_SESSION_TOKENS_RAW=1: magic_links.token is the raw token" test "$(sql "select count(*) from magic_links where token='$t'")" = 1
req "$b" GET "/api/auth/verify?token=$t" -H 'Accept: application/json'; s=$(jf .sessionToken)
check "BREAK_SESSION_TOKENS_RAW=1: sessions.token is the raw token" test "$(sql "select count(*) from sessions where token='$s'")" = 1

b=$(direct sw-query); s=$(login "$b" "query-$$@example.test")
req "$b" GET "/api/auth/me?token=$s"
check "BREAK_QUERY_TOKEN=1: ?token= is accepted" test "$code" = 200

b=$(direct sw-enum)
post_json "$b" /api/auth/login "{\"email\":\"nobody-$$@example.test\"}"
check "BREAK_ENUMERATION=1: an unknown address gets a different answer" is 200 '{"success":true,"message":"Welcome! We created your account and sent a login link"}'
post_json "$b" /api/auth/login "{\"email\":\"$A\"}"
check "BREAK_ENUMERATION=1: known address still 200" test "$code" = 200

b=$(direct sw-csrf); s=$(login "$b" "csrf-$$@example.test")
req "$b" POST /api/auth/logout -H "X-Session-Token: $s" -H 'Origin: https://evil.example'
check "BREAK_CSRF=1: a foreign Origin is not refused" test "$code" = 200

b=$(direct no-admin-token)
req "$b" GET /api/admin/users -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "INTERNAL_ADMIN_TOKEN unset: no Bearer is accepted (401, not 500)" is 401 "$AUTH_REQUIRED"
req "$b" GET /api/admin/users -H "Authorization: Bearer $ADMIN_UI_TOKEN"
check "ADMIN_TOKEN (the admin UI's) does not open the admin API" is 401 "$AUTH_REQUIRED"
check "ADMIN_TOKEN set: one warning that it is not read" test "$(docker logs "$run_id-no-admin-token" 2>&1 | grep -c 'ADMIN_TOKEN is set but not read')" = 1
req "$b" GET /api/admin/users -H "X-Session-Token: $SA"
check "INTERNAL_ADMIN_TOKEN unset: admin sessions still work" test "$code" = 200
req "$b" GET /api/internal/metrics/wake -H "Authorization: Bearer $AGENT_TOKEN"
check "AGENT_SERVER_TOKEN unset: the internal API refuses everyone" is 401 '{"error":"Unauthorized"}'

allow 192.0.2.0/24
req "$(direct no-admin-token)" GET /api/admin/security/ip-allowlist -H "X-Session-Token: $SA" -H 'X-Forwarded-For: 192.0.2.5'
check "admin_ip_allowlist without the client (X-Forwarded-For from an untrusted peer ignored): 403" is 403 "$IP_REFUSED"
req "$(direct sw-admin)" GET /api/admin/security/ip-allowlist
check "BREAK_ADMIN_GUARD=1: the allowlist still applies (403)" is 403 "$IP_REFUSED"
req "$(direct sw-admin-ip)" GET /api/admin/security/ip-allowlist -H "Authorization: Bearer $INTERNAL_ADMIN_TOKEN"
check "BREAK_ADMIN_IP_ALLOWLIST=1: a client outside the rows gets 200 with the token" test "$code" = 200
req "$(direct sw-admin-ip)" GET /api/admin/security/ip-allowlist
check "BREAK_ADMIN_IP_ALLOWLIST=1: the admin check still applies (401)" is 401 "$AUTH_REQUIRED"
sql "DELETE FROM admin_ip_allowlist" >/dev/null

echo "== startup checks"
out=$(docker run --rm -e DATABASE_URL=postgresql://u:p@nowhere:5432/db -e ENCRYPTION_KEY=abc123 "ocmt-ref/server:$TAG" 2>&1); rc=$?
check "a malformed ENCRYPTION_KEY stops startup (non-zero exit, clear message)" bash -c "[ $rc -ne 0 ] && grep -q 'ENCRYPTION_KEY must be exactly 64 hex characters' <<<'$out' && ! grep -q abc123 <<<'$out'"
out=$(docker run --rm -e BREAK_LOGOUT=yes "ocmt-ref/server:$TAG" 2>&1)
check "an unknown switch value stops startup" grep -q 'BREAK_LOGOUT=yes is not a known value' <<<"$out"
out=$(docker run --rm -e ADMIN_ALLOWED_IPS=10.0.0.0/8 "ocmt-ref/server:$TAG" 2>&1); rc=$?
check "ADMIN_ALLOWED_IPS stops startup, pointing at the admin_ip_allowlist table" bash -c "[ $rc = 2 ] && grep -q 'refused to start: ADMIN_ALLOWED_IPS is not read: OCMT keeps the admin IP allowlist in the admin_ip_allowlist table' <<<'$out'"
docker restart "$run_id-server-1" >/dev/null
check "a restarted replica finds the schema in place and serves" wait_log "$run_id-server-1" "$SERVER_READY" 31 2

echo "== no secret in any server log"
logs="$work/all.log"
for c in "${containers[@]}"; do
  case "$c" in *postgres|*redis|*nginx|*mail) ;; *) docker logs "$c" >>"$logs" 2>&1 ;; esac
done
leaks=0
while read -r secret; do
  [ -n "$secret" ] && grep -qF "$secret" "$logs" && leaks=$((leaks + 1))
done < "$work/secrets"
check "no token, link, key or password appears in the servers' logs ($(wc -l < "$work/secrets") secrets checked)" test "$leaks" = 0
check "security events are JSON lines with the marker field" bash -c "grep '\"type\":\"security_event\"' $logs | head -50 | jq -e . >/dev/null"

finish e2e-auth
