#!/bin/bash
# Container health check without curl or wget in the image: an HTTP/1.0 GET over bash's
# /dev/tcp, healthy when the answer is 200.
#
#   huiyin-healthcheck 127.0.0.1:7191/readyz
set -euo pipefail
target=${1:?usage: huiyin-healthcheck HOST:PORT/PATH}
hostport=${target%%/*}
path=/${target#*/}
[[ $target == */* ]] || path=/
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
IFS= read -r -t 5 status <&3
[[ $status =~ ^HTTP/1\.[01]\ 200 ]]
