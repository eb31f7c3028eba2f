#!/usr/bin/env bash
# Makes sure a Docker Engine answers on the default socket: installs Debian's engine when absent and
# starts a daemon only when none answers (two daemons fight over docker0; see shared/reference).
set -euo pipefail
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
answers() { curl -fsS --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }
if answers; then exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "installing docker.io ..." >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if answers; then exit 0; fi
mkdir -p /var/log
nohup dockerd --host "unix://$SOCK" >/var/log/cluster-dockerd.log 2>&1 &
for _ in $(seq 1 100); do answers && exit 0; sleep 0.2; done
echo "dockerd did not answer on $SOCK; see /var/log/cluster-dockerd.log" >&2
exit 1
