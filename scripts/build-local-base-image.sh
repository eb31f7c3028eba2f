#!/usr/bin/env bash
# Builds a local base image, cluster-base:local, for machines that reach no registry: the .NET and ASP.NET Core
# runtimes of this machine's SDK, redis-server, and the shared libraries they load, imported as one layer
# (docker import). docker-compose.yml uses it through BASE_IMAGE / REDIS_IMAGE; elsewhere the official
# mcr.microsoft.com/dotnet/aspnet and redis images are the defaults.
set -euo pipefail
TAG=${1:-cluster-base:local}
DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
command -v redis-server >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT/usr/share/dotnet/shared" "$ROOT/usr/bin" "$ROOT/tmp" "$ROOT/etc" "$ROOT/root" "$ROOT/data"
chmod 1777 "$ROOT/tmp"
cp -a "$DOTNET_ROOT/dotnet" "$DOTNET_ROOT/host" "$ROOT/usr/share/dotnet/"
for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do cp -a "$DOTNET_ROOT/shared/$fw" "$ROOT/usr/share/dotnet/shared/"; done
ln -s /usr/share/dotnet/dotnet "$ROOT/usr/bin/dotnet"
cp -L "$(command -v redis-server)" "$ROOT/usr/bin/redis-server"
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"
[ -d /etc/ssl/certs ] && mkdir -p "$ROOT/etc/ssl" && cp -aL /etc/ssl/certs "$ROOT/etc/ssl/" 2>/dev/null || true

# Every library those binaries link, plus the ones .NET opens at run time (OpenSSL).
libs() {
  for f in "$@"; do ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'; done
  ls /lib/x86_64-linux-gnu/libssl.so.* /lib/x86_64-linux-gnu/libcrypto.so.* 2>/dev/null || true
}
for lib in $(libs "$DOTNET_ROOT/dotnet" "$(command -v redis-server)" "$DOTNET_ROOT"/shared/Microsoft.NETCore.App/*/*.so | sort -u); do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
# Debian's merged /usr: /lib and /lib64 are links into /usr.
for l in lib lib64; do [ -L "/$l" ] && ln -s "$(readlink "/$l")" "$ROOT/$l" 2>/dev/null || true; done
if [ ! -e "$ROOT/lib64/ld-linux-x86-64.so.2" ]; then mkdir -p "$ROOT/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$ROOT/lib64/"; fi

tar -C "$ROOT" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' \
  --change 'ENV HOME=/root' \
  - "$TAG" >/dev/null
echo "built $TAG ($(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%d MB", $1/1048576}'))"
