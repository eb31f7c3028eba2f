#!/usr/bin/env bash
# The docker-compose deployment, end to end: builds the silo image on a locally imported base (no registry here),
# brings up Redis and three silos with docker-compose, applies the brief's Deployment with kubectl through the
# first silo's API (over TLS, with the admin kubeconfig the silo writes), and checks that it reaches 3/3 with one pod on each of the three nodes. Tears it all down.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=clustercompose
export BASE_IMAGE=${BASE_IMAGE:-cluster-base:local} REDIS_IMAGE=${REDIS_IMAGE:-cluster-base:local}
export CLUSTER_ENCRYPTION_KEYS=${CLUSTER_ENCRYPTION_KEYS:-compose=$(head -c32 /dev/urandom | base64)}
command -v docker-compose >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
start=$(date +%s)
if [ "$BASE_IMAGE" = cluster-base:local ]; then bash scripts/build-local-base-image.sh cluster-base:local; fi
dotnet publish silo -c Release -o silo/out -nologo -v q

cleanup() {
  docker-compose -p $PROJECT logs --no-color --tail 30 silo1 silo2 silo3 > /tmp/compose-test-silos.log 2>&1 || true
  docker-compose -p $PROJECT down -v >/dev/null 2>&1 || true
  for n in node1 node2 node3; do
    ids=$(docker ps -aq --filter "label=cluster.local/node=$n")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
  done
}
trap cleanup EXIT
cleanup
docker-compose -p $PROJECT up -d --build

# The admin kubeconfig silo 1 writes in its data directory: https verified against the cluster CA (shared through
# Redis by the three silos) and the admin token.
K="kubectl --kubeconfig /var/lib/cluster/node1/admin.kubeconfig"
fail() { echo "compose test: $1" >&2; docker-compose -p $PROJECT ps >&2 || true; docker-compose -p $PROJECT logs --no-color --tail 40 >&2 || true; exit 1; }
for _ in $(seq 1 120); do
  [ -f /var/lib/cluster/node1/admin.kubeconfig ] || { sleep 1; continue; }
  ready=$($K get nodes --no-headers 2>/dev/null | awk '$2=="Ready"' | wc -l || true)
  [ "$ready" = 3 ] && break
  sleep 1
done
[ "$ready" = 3 ] || fail "3 Ready nodes expected, saw ${ready:-0}"
$K apply -f ../shared/examples/nginx-deployment.yaml
for _ in $(seq 1 120); do
  avail=$($K get deployment nginx-deployment -o jsonpath='{.status.availableReplicas}' 2>/dev/null || true)
  [ "$avail" = 3 ] && break
  sleep 1
done
[ "$avail" = 3 ] || fail "nginx-deployment should reach 3/3, has ${avail:-0}"
$K get pods -o wide
nodes=$($K get pods -l app=nginx -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | tr '\n' ' ')
[ "$(echo $nodes | wc -w)" = 3 ] || fail "the 3 pods should be on 3 nodes, are on: $nodes"
echo "compose test: passed: 3 silos from docker-compose, nginx-deployment 3/3 on $nodes($(( $(date +%s) - start )) s)"
