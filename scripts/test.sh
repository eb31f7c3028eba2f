#!/usr/bin/env bash
# The test command: installs and starts what the tests need (Docker Engine, Redis, the local test images),
# builds, and runs every test. Usage: bash scripts/test.sh [extra dotnet test arguments]
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
summary=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$LOG" | tail -1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary"); passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed"
fi
rm -f "$LOG"
exit "$rc"
