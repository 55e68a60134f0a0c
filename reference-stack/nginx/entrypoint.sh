#!/bin/bash
# Renders /etc/nginx/nginx.conf from the environment, checks it, then hands over to nginx.
# Every value is validated first: a value that nginx would read as extra directives must stop the
# container with a clear message instead of silently changing the proxy.
set -euo pipefail

# Any arguments run instead of the proxy, e.g. `nginx -v` or a shell for debugging.
if [ $# -gt 0 ]; then
  exec "$@"
fi

fail() {
  echo "ocmt-nginx: $*" >&2
  exit 1
}

CERT=/etc/nginx/tls/server.crt
KEY=/etc/nginx/tls/server.key
[ -s "$CERT" ] || fail "TLS certificate $CERT is missing or empty; copy it into the container before it starts"
[ -s "$KEY" ] || fail "TLS private key $KEY is missing or empty; copy it into the container before it starts"

UPSTREAMS=${UPSTREAMS:-}
# Required, with no fallback to the request's Host: a redirect that names whatever host the client
# sent is an open redirect (and, cached, a poisoned one).
PUBLIC_HOST=${PUBLIC_HOST:-}
HTTPS_PUBLIC_PORT=${HTTPS_PUBLIC_PORT:-443}
HTTP_MODE=${HTTP_MODE:-redirect}
SERVER_TOKENS=${SERVER_TOKENS:-off}
HTTP_BANNER=${HTTP_BANNER:-off}
UPSTREAM_BALANCE=${UPSTREAM_BALANCE:-round-robin}
TLS_PROTOCOLS=${TLS_PROTOCOLS:-TLSv1.2 TLSv1.3}
# Mozilla "intermediate" TLS 1.2 suites: ECDHE with AEAD only, no CBC.
TLS_CIPHERS=${TLS_CIPHERS:-ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305}
TLS_CURVES=${TLS_CURVES:-X25519:prime256v1:secp384r1}
# Named variants, one variable each, for the suite's self-tests and benchmarks: each breaks one TLS
# control on top of the hardened settings above (TLS 1.0/1.1 cannot work without CBC suites, and
# OpenSSL 3 offers them only at security level 0).
TLS_PROFILE=${TLS_PROFILE:-hardened}
case "$TLS_PROFILE" in
  hardened) ;;
  legacy-protocols) TLS_PROTOCOLS="TLSv1 TLSv1.1 $TLS_PROTOCOLS"; TLS_CIPHERS="$TLS_CIPHERS:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:@SECLEVEL=0" ;;
  cbc) TLS_CIPHERS="$TLS_CIPHERS:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384" ;;
  static-rsa) TLS_CIPHERS="$TLS_CIPHERS:AES128-GCM-SHA256:AES256-GCM-SHA384" ;;
  aria) TLS_CIPHERS="$TLS_CIPHERS:ECDHE-ARIA128-GCM-SHA256:ECDHE-ARIA256-GCM-SHA384" ;;
  permissive) TLS_PROTOCOLS="TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"; TLS_CIPHERS="ALL:@SECLEVEL=0" ;;
  # An nginx configuration written before TLS 1.3 (ssl_protocols TLSv1.2): every client gets TLS 1.2.
  no-tls13) TLS_PROTOCOLS="TLSv1.2" ;;
  *) fail "TLS_PROFILE must be hardened (default), legacy-protocols, cbc, static-rsa, aria, permissive or no-tls13; got '$TLS_PROFILE'" ;;
esac
# OpenSSL's security level, appended to the cipher string; unset keeps Debian's (2). A certificate
# with a key or signature weaker than the level allows (RSA 1024, SHA-1) makes nginx refuse to
# start, so serving one, as a legacy deployment does, needs a lower level. It adds no suite and no
# group: both are listed explicitly.
TLS_SECURITY_LEVEL=${TLS_SECURITY_LEVEL:-}
case "$TLS_SECURITY_LEVEL" in
  "") ;;
  0|1|2|3|4|5) TLS_CIPHERS="$TLS_CIPHERS:@SECLEVEL=$TLS_SECURITY_LEVEL" ;;
  *) fail "TLS_SECURITY_LEVEL must be unset or 0-5; got '$TLS_SECURITY_LEVEL'" ;;
esac
# Key-exchange groups, separate from TLS_PROFILE so that it combines with any profile. "extra"
# adds groups outside Mozilla intermediate: secp521r1 and X448 (strong, but not on the list),
# ffdhe2048 (TLS 1.3 only in OpenSSL) and secp224r1 (below ECDH 256; OpenSSL 3 still offers it in
# TLS 1.2 at Debian's security level 2, which asks for 112 bits).
TLS_GROUPS=${TLS_GROUPS:-hardened}
case "$TLS_GROUPS" in
  hardened) ;;
  extra) TLS_CURVES="$TLS_CURVES:secp521r1:X448:ffdhe2048:secp224r1" ;;
  *) fail "TLS_GROUPS must be hardened (default) or extra; got '$TLS_GROUPS'" ;;
esac
# Just above the app's 100 kB limit, so the app's own 413 (JSON, security headers) is what a
# slightly oversized request gets; far larger bodies are stopped here.
CLIENT_MAX_BODY_SIZE=${CLIENT_MAX_BODY_SIZE:-128k}

[ -n "$UPSTREAMS" ] || fail "UPSTREAMS is required: a comma-separated list of host:port, e.g. server-1:3000,server-2:3000"
upstream_servers=""
IFS=',' read -r -a upstream_list <<< "$UPSTREAMS"
for upstream in "${upstream_list[@]}"; do
  upstream=${upstream//[[:space:]]/}
  [ -z "$upstream" ] && continue
  [[ "$upstream" =~ ^[A-Za-z0-9._-]+:[0-9]{1,5}$ ]] || fail "UPSTREAMS entry '$upstream' is not host:port"
  upstream_servers+="        server $upstream;"$'\n'
done
[ -n "$upstream_servers" ] || fail "UPSTREAMS has no host:port entry"

case "$UPSTREAM_BALANCE" in
  round-robin) upstream_balance='# Round robin, nginx'"'"'s default.' ;;
  # Pins each client to one replica, so limits counted in a replica's memory still hold per client.
  # nginx must see the balancing method before keepalive, hence first in the block.
  ip-hash) upstream_balance='ip_hash;' ;;
  *) fail "UPSTREAM_BALANCE must be round-robin (default) or ip-hash; got '$UPSTREAM_BALANCE'" ;;
esac

[ -n "$PUBLIC_HOST" ] || fail "PUBLIC_HOST is required: the host name clients use for HTTPS, e.g. ocmt.example.com; the port-80 redirect names it"
# One DNS name (labels of letters, digits and inner hyphens) or a dotted IPv4 address: nothing nginx
# could read as a variable, a second argument or the end of a directive.
[ "${#PUBLIC_HOST}" -le 253 ] && [[ "$PUBLIC_HOST" =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$ ]] \
  || fail "PUBLIC_HOST must be a host name such as ocmt.example.com (no scheme, port or path); got '$PUBLIC_HOST'"

[[ "$HTTPS_PUBLIC_PORT" =~ ^[0-9]{1,5}$ ]] && [ "$HTTPS_PUBLIC_PORT" -ge 1 ] && [ "$HTTPS_PUBLIC_PORT" -le 65535 ] \
  || fail "HTTPS_PUBLIC_PORT must be a port number; got '$HTTPS_PUBLIC_PORT'"
if [ "$HTTPS_PUBLIC_PORT" = 443 ]; then port_suffix=""; else port_suffix=":$HTTPS_PUBLIC_PORT"; fi
https_authority="$PUBLIC_HOST$port_suffix"

case "$SERVER_TOKENS" in
  on|off) ;;
  *) fail "SERVER_TOKENS must be off (default) or on; got '$SERVER_TOKENS'" ;;
esac

# "on" stands for a deployment whose app answers port 80 itself (Express redirecting to HTTPS): the
# first hop then shows the banners that port 443 hides. Only that server block gets them.
case "$HTTP_BANNER" in
  off) http_banner="" ;;
  on) http_banner='server_tokens on;
        add_header X-Powered-By Express always;' ;;
  *) fail "HTTP_BANNER must be off (default) or on; got '$HTTP_BANNER'" ;;
esac

for protocol in $TLS_PROTOCOLS; do
  case "$protocol" in
    SSLv3|TLSv1|TLSv1.1|TLSv1.2|TLSv1.3) ;;
    *) fail "TLS_PROTOCOLS entry '$protocol' is not one of SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" ;;
  esac
done
[ -n "${TLS_PROTOCOLS//[[:space:]]/}" ] || fail "TLS_PROTOCOLS is empty"
[[ "$TLS_CIPHERS" =~ ^[A-Za-z0-9:+!@=._-]+$ ]] || fail "TLS_CIPHERS '$TLS_CIPHERS' is not an OpenSSL cipher string"
[[ "$TLS_CURVES" =~ ^[A-Za-z0-9:._-]+$ ]] || fail "TLS_CURVES '$TLS_CURVES' is not a colon-separated curve list"
[[ "$CLIENT_MAX_BODY_SIZE" =~ ^[0-9]+[kKmM]?$ ]] || fail "CLIENT_MAX_BODY_SIZE '$CLIENT_MAX_BODY_SIZE' is not an nginx size"

# Both ports tell the app the request was HTTPS: on 443 it was, and on 80 only the "plain" switch
# proxies at all, which is exactly the broken deployment it stands for.
proxy_block='proxy_pass http://ocmt_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;'

http_maps=""
case "$HTTP_MODE" in
  redirect) http_location="return 301 https://$https_authority\$request_uri;" ;;
  redirect-302) http_location="return 302 https://$https_authority\$request_uri;" ;;
  plain) http_location="$proxy_block" ;;
  # What an app behind a proxy does when it trusts forwarding headers and builds the redirect from
  # the request (Express's req.hostname with trust proxy): the first X-Forwarded-Host value, else
  # Host, either without its port. The public HTTPS port is kept, so an honest request still lands
  # on the right address and only a foreign host shows the fault.
  redirect-follows-host)
    http_maps='map $http_x_forwarded_host $ocmt_redirect_host {
        "~^[\s,]*(?<forwarded>[^\s,:]+)" $forwarded;
        default $host;
    }'
    http_location="return 301 https://\$ocmt_redirect_host$port_suffix\$request_uri;" ;;
  *) fail "HTTP_MODE must be redirect (default), redirect-302, plain or redirect-follows-host; got '$HTTP_MODE'" ;;
esac

cat > /etc/nginx/nginx.conf <<CONF
# Rendered by ocmt-nginx-entrypoint at container start; edits are lost on restart.
user www-data;
worker_processes auto;
pid /run/nginx.pid;
# notice level logs "start worker processes" once the listening sockets are open.
error_log stderr notice;

events {
    worker_connections 1024;
}

http {
    server_tokens $SERVER_TOKENS;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    client_max_body_size $CLIENT_MAX_BODY_SIZE;

    log_format ocmt '\$remote_addr "\$request" \$status \$body_bytes_sent upstream=\$upstream_addr rt=\$request_time';
    access_log /dev/stdout ocmt;

    # No add_header (but HTTP_BANNER's): the app sets every security header, and a second copy
    # from the proxy would itself be a finding.

    upstream ocmt_app {
        $upstream_balance
$upstream_servers        keepalive 16;
    }
$http_maps

    ssl_protocols $TLS_PROTOCOLS;
    ssl_ciphers '$TLS_CIPHERS';
    ssl_ecdh_curve $TLS_CURVES;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:OCMT_TLS:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;

    server {
        listen 443 ssl default_server;
        server_name _;
        ssl_certificate $CERT;
        ssl_certificate_key $KEY;

        location / {
            $proxy_block
        }

        # Bodies past client_max_body_size never reach the app; answer in the app's error shape.
        error_page 413 @payload_too_large;
        location @payload_too_large {
            default_type application/json;
            return 413 '{"error":{"code":"PAYLOAD_TOO_LARGE","message":"Request body too large"}}';
        }
    }

    server {
        listen 80 default_server;
        server_name _;
        $http_banner

        location / {
            $http_location
        }
    }
}
CONF

nginx -t -q || fail "the rendered /etc/nginx/nginx.conf was rejected by nginx (see above)"
echo "nginx configured: upstreams=$UPSTREAMS upstream_balance=$UPSTREAM_BALANCE public_host=$PUBLIC_HOST http_mode=$HTTP_MODE http_banner=$HTTP_BANNER server_tokens=$SERVER_TOKENS tls_protocols='$TLS_PROTOCOLS' tls_curves='$TLS_CURVES'"
exec nginx -g 'daemon off;'
