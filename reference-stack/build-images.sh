#!/usr/bin/env bash
# Builds the reference stack images as ocmt-ref/<name>:$TAG (default dev).
#   reference-stack/build-images.sh                 # all six
#   reference-stack/build-images.sh server nginx    # some
# The server image runs Maven inside the build. Where TLS to Maven Central is intercepted by a
# proxy whose CA the host trusts (corporate proxies, sandboxes), the host's locally added CAs
# (/usr/local/share/ca-certificates/*.crt) are handed to that build stage as EXTRA_CA_CERTS; the
# final image does not keep them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tag=${TAG:-dev}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(server nginx postgres redis backup egress)

extra_ca=""
for cert in /usr/local/share/ca-certificates/*.crt; do
  [ -f "$cert" ] && extra_ca+="$(cat "$cert")"$'\n'
done

for name in "${names[@]}"; do
  [ -f "$here/$name/Dockerfile" ] || { echo "no image named $name under $here" >&2; exit 1; }
  args=()
  [ "$name" = server ] && args+=(--build-arg "EXTRA_CA_CERTS=$extra_ca")
  start=$(date +%s)
  docker build -q "${args[@]}" -t "ocmt-ref/$name:$tag" "$here/$name" >/dev/null
  echo "built ocmt-ref/$name:$tag in $(( $(date +%s) - start )) s"
done
