#!/bin/bash
# Renders a minimal tinyproxy configuration from the environment, starts the loopback relays, then
# runs tinyproxy in the foreground. Every value is validated first: a value that tinyproxy would
# read as extra directives must stop the container with a clear message instead of silently
# opening the proxy to more clients or ports.
#
#   ALLOW          (required) comma list of IPv4 addresses or CIDRs that may use the proxy, e.g. the
#                  Docker network's gateway, from which every host-side client arrives
#   CONNECT_PORTS  comma list of ports CONNECT may tunnel to (default 443)
#   RELAY          optional comma list of PORT=HOST:PORT: this container's loopback PORT forwards to
#                  HOST:PORT. The reference stack publishes nginx's 443 on the host's loopback as
#                  localhost:<port>; a relay gives this container the same address for the same
#                  service, so a client asks the proxy for CONNECT localhost:<port> exactly as it
#                  would for a real target, and the relay (in this container, so from its address)
#                  carries the tunnel on to nginx.
set -euo pipefail

# Any arguments run instead of the proxy, e.g. `tinyproxy -v` or a shell for debugging.
if [ $# -gt 0 ]; then
  exec "$@"
fi

fail() {
  echo "ocmt-egress: $*" >&2
  exit 1
}

ALLOW=${ALLOW:-}
CONNECT_PORTS=${CONNECT_PORTS:-443}
RELAY=${RELAY:-}
CONF=/run/ocmt-egress/tinyproxy.conf

port_ok() {
  [[ "$1" =~ ^[0-9]{1,5}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

[ -n "$ALLOW" ] || fail "ALLOW is required: the client addresses that may use the proxy, e.g. 10.231.7.1 (never an open proxy by default)"
allow_lines=""
IFS=',' read -r -a allow_list <<< "$ALLOW"
for a in "${allow_list[@]}"; do
  a=${a//[[:space:]]/}
  [ -z "$a" ] && continue
  [[ "$a" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?$ ]] || fail "ALLOW entry '$a' is not an IPv4 address or CIDR"
  allow_lines+="Allow $a"$'\n'
done
[ -n "$allow_lines" ] || fail "ALLOW has no address"

connect_lines=""
IFS=',' read -r -a port_list <<< "$CONNECT_PORTS"
for p in "${port_list[@]}"; do
  p=${p//[[:space:]]/}
  [ -z "$p" ] && continue
  port_ok "$p" || fail "CONNECT_PORTS entry '$p' is not a port number"
  connect_lines+="ConnectPort $p"$'\n'
done
[ -n "$connect_lines" ] || fail "CONNECT_PORTS has no port: tinyproxy would then tunnel to every port"

relays=()
if [ -n "$RELAY" ]; then
  IFS=',' read -r -a relay_list <<< "$RELAY"
  for r in "${relay_list[@]}"; do
    r=${r//[[:space:]]/}
    [ -z "$r" ] && continue
    [[ "$r" =~ ^([0-9]{1,5})=([A-Za-z0-9._-]+):([0-9]{1,5})$ ]] || fail "RELAY entry '$r' is not PORT=HOST:PORT"
    listen_port=${BASH_REMATCH[1]} remote_port=${BASH_REMATCH[3]}
    port_ok "$listen_port" && port_ok "$remote_port" || fail "RELAY entry '$r' has a port out of range"
    [ "$listen_port" != 8888 ] || fail "RELAY entry '$r' would take the proxy's own port 8888"
    relays+=("$r")
  done
fi

# No Upstream (the proxy leaves from this container itself), no Via header (it would tell the
# target it was proxied, which only the address should), no log file: Connect-level lines on
# stdout show each client and what it asked to reach.
cat > "$CONF" <<CONF
# Rendered by ocmt-egress-entrypoint at container start; edits are lost on restart.
Port 8888
Listen 0.0.0.0
Timeout 60
MaxClients 32
LogLevel Connect
DisableViaHeader Yes
$allow_lines$connect_lines
CONF

pids=()
# docker stop sends SIGTERM to this shell (PID 1); pass it on, so the container stops at once.
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 0' TERM INT

for r in "${relays[@]}"; do
  local_port=${r%%=*}
  remote=${r#*=}
  # Loopback only: the relay is this container's own "localhost:<port>", not a service on the network.
  socat "TCP4-LISTEN:$local_port,bind=127.0.0.1,reuseaddr,fork" "TCP:$remote" &
  pids+=($!)
  # localhost is ::1 too where the container has IPv6 loopback; tinyproxy tries ::1 first there.
  if grep -qs '^00000000000000000000000000000001 ' /proc/net/if_inet6; then
    socat "TCP6-LISTEN:$local_port,bind=[::1],reuseaddr,fork" "TCP:$remote" &
    pids+=($!)
  fi
done

tinyproxy -d -c "$CONF" &
pids+=($!)
echo "ocmt-egress: tinyproxy on 8888 for ${ALLOW}; CONNECT to ports ${CONNECT_PORTS}${RELAY:+; relays $RELAY}"

# Whichever process ends first ends the container: a proxy without its relay would only mislead.
set +e
wait -n
status=$?
kill -TERM "${pids[@]}" 2>/dev/null
exit "$status"
