# shellcheck shell=bash disable=SC2034  # what it sets is for the scripts that source it
# What smoke-test.sh, e2e-auth.sh and e2e-ratelimit.sh share: sourced by them, not run.
#
#   set -uo pipefail
#   . "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh" RUN-PREFIX
#
# Sets TAG (images ocmt-ref/<name>:$TAG, default dev), run_id (RUN-PREFIX-<pid>, the prefix of every
# container and the name of the network), work (a temporary directory), the container list and a
# trap that removes every container and the network the run made, and the work directory, whatever
# happens (the images stay); then defines the check counters and the helpers below. A script
# prints its closing line with `finish`, as its last command, so that its exit status is the verdict.

TAG=${TAG:-dev}
run_id="${1:?source e2e-lib.sh with a run prefix}-$$"
net="$run_id"
work=$(mktemp -d)
containers=()
passed=0
failed=0

cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
  docker network rm "$net" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# ---- checks -------------------------------------------------------------------------------------

ok() { passed=$((passed + 1)); echo "  ok   $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL $*"; }
fails() { ! "$@"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
finish() { # finish [LABEL]: the closing line, "LABEL: N passed, N failed"; fails if any check did
  echo
  echo "${1:+$1: }$passed passed, $failed failed"
  [ "$failed" = 0 ]
}

# ---- containers ---------------------------------------------------------------------------------

# What each image logs once it is ready (see README.md).
PG_READY="database system is ready to accept connections"
REDIS_READY="Ready to accept connections"
MAIL_READY="OCMT reference mail server ready"
SERVER_READY="OCMT reference server listening on 3000"
NGINX_READY="start worker processes"

wait_log() { # wait_log CONTAINER TEXT [SECONDS (60)] [COUNT (1)]: until TEXT is in the log COUNT times
  local deadline=$(( $(date +%s) + ${3:-60} )) want=${4:-1} times=""
  [ "$want" = 1 ] || times=" ($want times)"
  until [ "$(docker logs "$1" 2>&1 | grep -cF "$2")" -ge "$want" ]; do
    if [ "$(date +%s)" -ge "$deadline" ] || [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" != true ]; then
      echo "  $1 did not log '$2'$times:"; docker logs "$1" 2>&1 | tail -20 | sed 's/^/    /'
      return 1
    fi
    sleep 0.2
  done
}

# create_network: the run's network, Docker picks the subnet.
# create_network OCTET: a free 10.OCTET.x.0/24 (eight random tries) whose containers are allocated
# from the upper half, so that a server can trust exactly the containers ($range) and not the
# gateway ($gateway, .1), from which the host's loopback traffic arrives. Sets subnet, range and
# gateway; stops the script where no subnet is free.
create_network() {
  if [ $# = 0 ]; then docker network create "$net" >/dev/null; return; fi
  local third
  for _ in 1 2 3 4 5 6 7 8; do
    third=$(( 16 + RANDOM % 200 ))
    if docker network create --subnet "10.$1.$third.0/24" --ip-range "10.$1.$third.128/25" \
        --gateway "10.$1.$third.1" "$net" >/dev/null 2>&1; then
      subnet="10.$1.$third.0/24"; range="10.$1.$third.128/25"; gateway="10.$1.$third.1"
      return
    fi
  done
  echo "could not create a Docker network with a free 10.$1.x.0/24 subnet"
  exit 1
}

make_cert() { # a self-signed certificate for localhost and 127.0.0.1: $work/server.crt and .key
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work/server.key" -out "$work/server.crt" 2>/dev/null
}

start() { # start NAME [docker run args...] IMAGE [command...]: container $run_id-NAME, alias NAME
  local name="$run_id-$1" alias=$1; shift
  containers+=("$name")
  docker run -d --name "$name" --network "$net" --network-alias "$alias" "$@" >/dev/null
}
remove() { docker rm -f "$run_id-$1" >/dev/null 2>&1; } # remove NAME

start_postgres() { # start_postgres NAME PASSWORD [docker run args...]: user and database ocmt
  local name=$1 password=$2; shift 2
  start "$name" -e POSTGRES_USER=ocmt -e POSTGRES_PASSWORD="$password" -e POSTGRES_DB=ocmt "$@" "ocmt-ref/postgres:$TAG"
}
start_redis() { # start_redis NAME [docker run args...]
  local name=$1; shift
  start "$name" "$@" "ocmt-ref/redis:$TAG"
}
redis_cli() { docker exec "$run_id-redis" redis-cli -a "$REDIS_PW" --no-auth-warning "$@"; } # on redis, with $REDIS_PW
start_mail() { # start_mail [docker run args...]: GreenMail from the server image, alias mail, SMTP 3025, IMAP 3143
  start mail "$@" "ocmt-ref/server:$TAG" java -cp /app/ocmt-reference.jar io.ocmt.reference.mail.MailServerMain
}
start_server() { # start_server NAME [docker run args...]
  local name=$1; shift
  start "$name" "$@" "ocmt-ref/server:$TAG"
}

# start_nginx NAME HTTPS-PORT HTTP-PORT [docker create args...]: nginx in front of server-1 and
# server-2, its ports 443 and 80 (not published where HTTP-PORT is "") on those loopback ports. The
# certificate is copied in before it starts, as the test harness does. Waits until it serves.
start_nginx() {
  local name="$run_id-$1" alias=$1 https_port=$2 http_port=$3; shift 3
  local ports=(-p "127.0.0.1:$https_port:443")
  [ -z "$http_port" ] || ports+=(-p "127.0.0.1:$http_port:80")
  containers+=("$name")
  docker create --name "$name" --network "$net" --network-alias "$alias" "${ports[@]}" \
    -e UPSTREAMS=server-1:3000,server-2:3000 -e PUBLIC_HOST=localhost -e HTTPS_PUBLIC_PORT="$https_port" "$@" \
    "ocmt-ref/nginx:$TAG" >/dev/null
  docker cp "$work/server.crt" "$name:/etc/nginx/tls/server.crt"
  docker cp "$work/server.key" "$name:/etc/nginx/tls/server.key"
  docker start "$name" >/dev/null
  wait_log "$name" "$NGINX_READY" 20
}

free_port() { # a loopback port that is free right now, for ports nginx must know before it starts
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
host_port() { docker port "$run_id-$1" "$2" | head -1 | sed 's/.*://'; } # host_port NAME CONTAINER-PORT
direct() { echo "http://127.0.0.1:$(host_port "$1" 3000)"; } # direct NAME: a server's published port 3000

# ---- responses: headers in $work/h ---------------------------------------------------------------

header_value() { grep -i "^$1:" "$work/h" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'; }
header_count() { grep -ic "^$1:" "$work/h"; }
