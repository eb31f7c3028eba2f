#!/usr/bin/env bash
# Builds the test images locally (no registry is reachable): a 2 MB busybox httpd tagged as
# nginx:latest and nginx:stable so the brief's manifests run unchanged, and busybox:latest.
set -euo pipefail
# The image needs a static busybox (no libc inside a FROM scratch image).
if ! dpkg -s busybox-static >/dev/null 2>&1; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
BB=/bin/busybox
CTX=$(mktemp -d)
trap 'rm -rf "$CTX"' EXIT
cp "$BB" "$CTX/busybox"
mkdir -p "$CTX/www"
echo ok > "$CTX/www/healthz"
echo '<html><body>cluster test web server</body></html>' > "$CTX/www/index.html"
cat > "$CTX/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY www /www
CMD ["/bin/httpd", "-f", "-p", "80", "-h", "/www"]
DOCKERFILE
export DOCKER_BUILDKIT=0
docker build -q -t cluster-test/web:1 "$CTX" >/dev/null
for t in nginx:latest nginx:stable busybox:latest; do docker tag cluster-test/web:1 "$t"; done
echo "test images ready: nginx:latest nginx:stable busybox:latest" >&2
