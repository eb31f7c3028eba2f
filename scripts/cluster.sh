#!/usr/bin/env bash
# Starts a one-machine cluster: a Docker Engine if none answers, then a silo with embedded storage.
# Extra arguments go to the silo (e.g. --node-name, --data-dir, --runtime simulated).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! printf '%s\n' "$@" | grep -qx -- 'simulated'; then bash scripts/ensure-docker.sh; fi
exec dotnet run --project silo -c Release -- "$@"
