#!/usr/bin/env bash
# The test command: installs and starts what the tests need (Docker Engine, Redis, the local test images),
# builds, runs every test, then the docker-compose deployment test. Usage: bash scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/ensure-redis.sh
bash scripts/build-test-images.sh
dotnet build Cluster.sln -c Release -nologo -v q
LOG=$(mktemp)
set +e
dotnet test tests/Cluster.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
# One plain summary line ("N passed, N failed") for whoever reads the log.
passed=$(grep -E '^ +Passed: +[0-9]+$' "$LOG" | tail -1 | grep -oE '[0-9]+' || true)
failed=$(grep -E '^ +Failed: +[0-9]+$' "$LOG" | tail -1 | grep -oE '[0-9]+' || true)
if [ -n "$passed$failed" ]; then echo "tests: ${passed:-0} passed, ${failed:-0} failed"; fi
rm -f "$LOG"
# The docker-compose deployment (3 silos + Redis in containers), after the tests: it uses fixed ports.
set +e
bash scripts/compose-test.sh
compose=$?
set -e
[ "$compose" = 0 ] || echo "compose test: FAILED" >&2
[ "$rc" = 0 ] || exit "$rc"
exit "$compose"
