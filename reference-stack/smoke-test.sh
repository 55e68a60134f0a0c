#!/usr/bin/env bash
# Runs the whole reference stack once and checks it from the host, on loopback only: postgres,
# redis, mail, two server replicas and nginx on a private Docker network, then every switch once.
# Needs the images from build-images.sh, plus curl and openssl on the host. Removes every
# container and the network it made, whatever happens; keeps the images.
set -uo pipefail

# shellcheck source=e2e-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh" ocmt-smoke

echo "== certificate and network"
make_cert
create_network

echo "== backing services"
REDIS_PW=smoke-redis-pass
start_postgres postgres smoke-pg-pass
start_redis redis -e REDIS_PASSWORD="$REDIS_PW"
start_mail -p 127.0.0.1::3025
start_server server-1 -e RELEASE=smoke
start_server server-2 -e RELEASE=smoke
check "postgres ready" wait_log "$run_id-postgres" "$PG_READY"
check "redis ready" wait_log "$run_id-redis" "$REDIS_READY"
check "mail ready" wait_log "$run_id-mail" "$MAIL_READY"
check "server-1 ready" wait_log "$run_id-server-1" "$SERVER_READY"
check "server-2 ready" wait_log "$run_id-server-2" "$SERVER_READY"

check "postgres logs ready exactly once" test "$(docker logs "$run_id-postgres" 2>&1 | grep -c 'ready to accept connections')" = 1
check "postgres: password login over TLS" docker exec -e PGPASSWORD=smoke-pg-pass "$run_id-postgres" \
  psql "host=127.0.0.1 user=ocmt dbname=ocmt sslmode=require" -Atc "select 1 from pg_stat_ssl where pid = pg_backend_pid() and ssl"
check "postgres: wrong password refused" bash -c "! docker exec -e PGPASSWORD=nope $run_id-postgres psql 'host=127.0.0.1 user=ocmt dbname=ocmt' -c 'select 1'"
check "postgres: the right password without TLS is refused by pg_hba" bash -c "docker exec -e PGPASSWORD=smoke-pg-pass $run_id-postgres psql 'host=127.0.0.1 user=ocmt dbname=ocmt sslmode=disable' -c 'select 1' 2>&1 | grep -q 'no encryption'"
check "redis: NOAUTH without password" bash -c "docker exec $run_id-redis redis-cli ping | grep -q NOAUTH"
check "redis: PONG with password" test "$(redis_cli ping 2>&1)" = PONG
redis_config_ok() {
  redis_cli config get maxmemory-policy maxmemory appendonly | tr '\n' ' ' | grep -q 'volatile-lru.*268435456\|268435456.*volatile-lru' &&
    redis_cli config get appendonly | grep -q yes
}
check "redis: volatile-lru, 256mb, appendonly" redis_config_ok
smtp_port=$(host_port mail 3025)
check "mail: SMTP banner on loopback" bash -c "exec 3<>/dev/tcp/127.0.0.1/$smtp_port; head -c 4 <&3 | grep -q 220"

echo "== nginx, hardened"
HTTPS=$(free_port); HTTP=$(free_port)
check "nginx ready" start_nginx nginx "$HTTPS" "$HTTP"
check "nginx printed 'nginx configured'" bash -c "docker logs $run_id-nginx 2>&1 | grep -q 'nginx configured'"
base="https://localhost:$HTTPS"
curl_tls=(curl -s --cacert "$work/server.crt" --resolve "localhost:$HTTPS:127.0.0.1" --max-time 10)

"${curl_tls[@]}" -D "$work/h" -o "$work/b" "$base/health"
check "/health is 200" grep -q "^HTTP/1.1 200" "$work/h"
check "/health body" grep -qx '{"status":"ok","relay":{"connected":true},"release":"smoke"}' "$work/b"
for header in Content-Security-Policy Strict-Transport-Security X-Frame-Options X-Content-Type-Options \
  Referrer-Policy Cross-Origin-Opener-Policy Cross-Origin-Resource-Policy X-Permitted-Cross-Domain-Policies; do
  check "$header exactly once" test "$(header_count "$header")" = 1
done
check "HSTS value" test "$(header_value Strict-Transport-Security)" = "max-age=31536000; includeSubDomains; preload"
check "Server has no version" test "$(header_value Server)" = nginx
check "no X-Powered-By" test "$(header_count X-Powered-By)" = 0

"${curl_tls[@]}" -D "$work/h" -o "$work/b" "$base/no/such/route"
check "unknown route is 404" grep -q "^HTTP/1.1 404" "$work/h"
check "404 body shape" grep -q '^{"error":{"code":"NOT_FOUND","message":' "$work/b"
check "404 carries CSP once" test "$(header_count Content-Security-Policy)" = 1

"${curl_tls[@]}" -D "$work/h" -o "$work/b" "$base/api/auth/me"
check "/api/auth/me without token is 401" grep -qx '{"error":"Authentication required"}' "$work/b"

head -c 102401 /dev/zero | tr '\0' a > "$work/101k"
"${curl_tls[@]}" -D "$work/h" -o "$work/b" --data-binary @"$work/101k" "$base/api/auth/login"
check "101 kB body: the app's 413 JSON with headers" bash -c "grep -q '^HTTP/1.1 413' $work/h && grep -q PAYLOAD_TOO_LARGE $work/b && grep -qi '^X-Frame-Options: DENY' $work/h"
"${curl_tls[@]}" -o "$work/b" -H 'Content-Type: application/json' --data '{"email":' "$base/api/auth/login"
check "malformed JSON is 400 INVALID_JSON" grep -q INVALID_JSON "$work/b"

curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health?x=1" -H "Host: localhost:$HTTP"
check "port 80 answers 301" grep -q "^HTTP/1.1 301" "$work/h"
check "301 goes to the public HTTPS port" test "$(header_value Location)" = "https://localhost:$HTTPS/health?x=1"
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health" -H "Host: evil.example" -H "X-Forwarded-Host: evil.example"
check "301 names PUBLIC_HOST, not the client's Host or X-Forwarded-Host" test "$(header_value Location)" = "https://localhost:$HTTPS/health"
no_banner() { test "$(header_value Server)" = nginx && test "$(header_count X-Powered-By)" = 0; }
check "port 80 carries no version and no X-Powered-By" no_banner

for _ in 1 2 3 4 5 6; do "${curl_tls[@]}" -o /dev/null "$base/health"; done
check "round robin reached server-1" bash -c "docker logs $run_id-server-1 2>&1 | grep -q 'GET /health 200'"
check "round robin reached server-2" bash -c "docker logs $run_id-server-2 2>&1 | grep -q 'GET /health 200'"

check "TLS 1.3 accepted" bash -c "openssl s_client -connect 127.0.0.1:$HTTPS -servername localhost -tls1_3 </dev/null 2>/dev/null | grep -q 'New, TLSv1.3'"
check "TLS 1.1 refused" bash -c "! openssl s_client -connect 127.0.0.1:$HTTPS -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>/dev/null | grep -q 'Cipher is [A-Z]'"
check "CBC suite refused on TLS 1.2" bash -c "! openssl s_client -connect 127.0.0.1:$HTTPS -tls1_2 -cipher ECDHE-RSA-AES128-SHA </dev/null 2>/dev/null | grep -q 'Cipher is ECDHE'"
check "nginx workers run as www-data" test "$(docker top "$run_id-nginx" | awk '/worker process/ {print $1}' | sort -u)" = www-data
check "server replica runs as uid 1000" test "$(docker exec "$run_id-server-1" id -u)" = 1000

echo "== nginx switches"
HTTPS=$(free_port); HTTP=$(free_port)
check "HTTP_MODE=plain starts" start_nginx nginx-plain "$HTTPS" "$HTTP" -e HTTP_MODE=plain
curl -s --max-time 10 -D "$work/h" -o "$work/b" "http://127.0.0.1:$HTTP/health"
check "HTTP_MODE=plain serves content over HTTP" bash -c "grep -q '^HTTP/1.1 200' $work/h && grep -q '\"status\":\"ok\"' $work/b"

HTTPS=$(free_port); HTTP=$(free_port)
check "HTTP_MODE=redirect-302 starts" start_nginx nginx-302 "$HTTPS" "$HTTP" -e HTTP_MODE=redirect-302
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health"
check "HTTP_MODE=redirect-302 answers 302" grep -q "^HTTP/1.1 302" "$work/h"

HTTPS=$(free_port); HTTP=$(free_port)
check "SERVER_TOKENS=on starts" start_nginx nginx-tokens "$HTTPS" "$HTTP" -e SERVER_TOKENS=on
curl -s --max-time 10 -k -D "$work/h" -o /dev/null --resolve "localhost:$HTTPS:127.0.0.1" "https://localhost:$HTTPS/health"
check "SERVER_TOKENS=on shows the nginx version" bash -c "grep -qi '^Server: nginx/[0-9]' $work/h"

HTTPS=$(free_port); HTTP=$(free_port)
check "HTTP_MODE=redirect-follows-host starts" start_nginx nginx-follows "$HTTPS" "$HTTP" -e HTTP_MODE=redirect-follows-host
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health" -H "Host: evil.example"
check "HTTP_MODE=redirect-follows-host redirects to the client's Host" test "$(header_value Location)" = "https://evil.example:$HTTPS/health"
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health" -H "X-Forwarded-Host: evil.example"
check "HTTP_MODE=redirect-follows-host prefers X-Forwarded-Host" test "$(header_value Location)" = "https://evil.example:$HTTPS/health"
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health" -H "Host: localhost:$HTTP"
check "HTTP_MODE=redirect-follows-host: an honest request still reaches HTTPS" test "$(header_value Location)" = "https://localhost:$HTTPS/health"

HTTPS=$(free_port); HTTP=$(free_port)
check "HTTP_BANNER=on starts" start_nginx nginx-banner "$HTTPS" "$HTTP" -e HTTP_BANNER=on
curl -s --max-time 10 -D "$work/h" -o /dev/null "http://127.0.0.1:$HTTP/health"
check "HTTP_BANNER=on: port 80 shows nginx's version" bash -c "grep -qi '^Server: nginx/[0-9]' $work/h"
check "HTTP_BANNER=on: port 80 shows X-Powered-By: Express" test "$(header_value X-Powered-By)" = Express
curl -s --max-time 10 -k -D "$work/h" -o /dev/null --resolve "localhost:$HTTPS:127.0.0.1" "https://localhost:$HTTPS/health"
check "HTTP_BANNER=on: port 443 still shows neither" no_banner

HTTPS=$(free_port); HTTP=$(free_port)
check "UPSTREAM_BALANCE=ip-hash starts" start_nginx nginx-iphash "$HTTPS" "$HTTP" -e UPSTREAM_BALANCE=ip-hash
for _ in 1 2 3 4 5 6; do curl -s --max-time 10 -k -o /dev/null --resolve "localhost:$HTTPS:127.0.0.1" "https://localhost:$HTTPS/health"; done
check "UPSTREAM_BALANCE=ip-hash: one client, one replica" test "$(docker logs "$run_id-nginx-iphash" 2>/dev/null | grep -o 'upstream=[^ ]*' | sort -u | wc -l)" = 1

HTTPS=$(free_port); HTTP=$(free_port)
check "weak TLS switch starts" start_nginx nginx-weak "$HTTPS" "$HTTP" \
  -e "TLS_PROTOCOLS=TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" -e "TLS_CIPHERS=ALL:@SECLEVEL=0"
check "TLS_PROTOCOLS/TLS_CIPHERS weak: TLS 1.0 accepted" bash -c "openssl s_client -connect 127.0.0.1:$HTTPS -tls1 -cipher 'ALL:@SECLEVEL=0' </dev/null 2>/dev/null | grep -q 'Protocol  *: TLSv1$'"
check "TLS_CIPHERS weak: CBC suite accepted" bash -c "openssl s_client -connect 127.0.0.1:$HTTPS -tls1_2 -cipher AES128-SHA </dev/null 2>/dev/null | grep -q 'Cipher is AES128-SHA'"

bad_public_host_refused() {
  ! start_nginx nginx-badhost "$(free_port)" "" -e 'PUBLIC_HOST=$host' &&
    docker logs "$run_id-nginx-badhost" 2>&1 | grep -q 'PUBLIC_HOST must be a host name'
}
check "nginx with a PUBLIC_HOST that is not a host name fails clearly" bad_public_host_refused
check "nginx without a certificate fails clearly" bash -c "docker run --rm -e UPSTREAMS=x:1 ocmt-ref/nginx:$TAG 2>&1 | grep -q 'server.crt is missing'"

echo "== server switches (one replica each, straight to port 3000)"
server_switch() { # server_switch NAME ENV PATH CHECK-COMMAND (gets the header file and body file)
  local name=$1 env=$2 path=$3; shift 3
  start_server "$name" -p 127.0.0.1::3000 -e "$env"
  if ! wait_log "$run_id-$name" "$SERVER_READY" 30; then bad "$env starts"; return; fi
  curl -s --max-time 10 -H 'X-Forwarded-Proto: https' -D "$work/h" -o "$work/b" "$(direct "$name")$path"
  check "$env" "$@"
  remove "$name"
}
server_switch sw-hsts-missing BREAK_HSTS=missing /health bash -c "! grep -qi '^Strict-Transport-Security:' $work/h"
server_switch sw-hsts-short BREAK_HSTS=short /health bash -c "grep -qix 'Strict-Transport-Security: max-age=86400.' $work/h"
server_switch sw-csp-inline BREAK_CSP=unsafe-inline /health bash -c "grep -qi \"^Content-Security-Policy: .*script-src 'self' 'unsafe-inline';\" $work/h"
server_switch sw-csp-missing BREAK_CSP=missing /health bash -c "! grep -qi '^Content-Security-Policy' $work/h"
server_switch sw-csp-ro BREAK_CSP=report-only /health bash -c "grep -qi '^Content-Security-Policy-Report-Only:' $work/h && ! grep -qi '^Content-Security-Policy:' $work/h"
server_switch sw-xfo BREAK_FRAME_OPTIONS=missing /health bash -c "! grep -qi '^X-Frame-Options' $work/h"
server_switch sw-nosniff BREAK_NOSNIFF=missing /health bash -c "! grep -qi '^X-Content-Type-Options' $work/h"
server_switch sw-referrer BREAK_REFERRER_POLICY=unsafe-url /health bash -c "grep -qix 'Referrer-Policy: unsafe-url.' $work/h"
server_switch sw-powered BREAK_POWERED_BY=on /nope bash -c "grep -qix 'X-Powered-By: Express.' $work/h"
server_switch sw-leaky BREAK_HEALTH=leaky /health bash -c "grep -q '\"versions\":{\"node\":\"v20.11.1\",\"express\":\"4.18.2\"}' $work/b && grep -q 'redis://:s3cr3t-redis-pass@redis:6379' $work/b"
server_switch sw-text BREAK_HEALTH=text /health bash -c "grep -qi '^Content-Type: text/plain' $work/h && test \"\$(cat $work/b)\" = OK"
check "unknown switch value stops the server" bash -c "docker run --rm -e BREAK_HSTS=sometimes ocmt-ref/server:$TAG 2>&1 | grep -q 'BREAK_HSTS=sometimes is not a known value'"

echo "== redis switch"
start_redis redis-open -e BREAK_REDIS_PASSWORD=1
wait_log "$run_id-redis-open" "$REDIS_READY" 20 >/dev/null
check "BREAK_REDIS_PASSWORD=1 answers without a password" bash -c "docker exec $run_id-redis-open redis-cli ping | grep -q PONG"
check "redis without REDIS_PASSWORD fails clearly" bash -c "docker run --rm ocmt-ref/redis:$TAG 2>&1 | grep -q 'REDIS_PASSWORD is required'"

echo "== postgres switch"
start_postgres postgres-plain smoke-pg-pass -e BREAK_POSTGRES_PLAINTEXT=1
wait_log "$run_id-postgres-plain" "$PG_READY" 30 >/dev/null
check "BREAK_POSTGRES_PLAINTEXT=1 lets a password login in without TLS" docker exec -e PGPASSWORD=smoke-pg-pass "$run_id-postgres-plain" \
  psql "host=127.0.0.1 user=ocmt dbname=ocmt sslmode=disable" -Atc "select 1"
check "an unknown BREAK_POSTGRES_PLAINTEXT value stops postgres" bash -c "docker run --rm -e BREAK_POSTGRES_PLAINTEXT=yes ocmt-ref/postgres:$TAG 2>&1 | grep -q 'BREAK_POSTGRES_PLAINTEXT must be 1'"

finish smoke
