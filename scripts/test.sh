#!/usr/bin/env bash
# The test command: installs and starts what the tests need (Docker Engine, Redis, the local test images),
# builds, and runs every test. Usage: bash scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/ensure-redis.sh
bash scripts/build-test-images.sh
dotnet build Cluster.sln -c Release -nologo -v q
dotnet test tests/Cluster.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
