#!/bin/sh
# The image's entrypoint: runs the command it is given (a Huiyin binary and its flags) after
# reading the internal credential from a file when HUIYIN_INTERNAL_CREDENTIAL_FILE names one,
# since Docker and Compose hand secrets over as files (/run/secrets/…) and the binaries read it
# from HUIYIN_SERVER_INTERNAL_CREDENTIAL. In Kubernetes the variable comes from the Secret directly.
set -eu
if [ -n "${HUIYIN_INTERNAL_CREDENTIAL_FILE:-}" ]; then
  if [ ! -r "$HUIYIN_INTERNAL_CREDENTIAL_FILE" ]; then
    echo "huiyin-entrypoint: cannot read $HUIYIN_INTERNAL_CREDENTIAL_FILE" >&2
    exit 1
  fi
  HUIYIN_SERVER_INTERNAL_CREDENTIAL=$(tr -d '\r\n' <"$HUIYIN_INTERNAL_CREDENTIAL_FILE")
  export HUIYIN_SERVER_INTERNAL_CREDENTIAL
  unset HUIYIN_INTERNAL_CREDENTIAL_FILE
fi
exec "$@"
