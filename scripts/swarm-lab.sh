#!/usr/bin/env bash
# A real multi-node Docker Swarm on one machine, for trying the agent's Swarm target (io.redeploy.agent.swarm):
#   - the host engine is the manager (advertised on the gateway IP of a bridge network of its own, swarmlab-net)
#   - N workers (default 2: the second and third node) are Docker-in-Docker containers on swarmlab-net, from an image
#     built here from a debootstrap root (bookworm minbase + Debian's docker.io, containerd, iptables): no Docker Hub
#   - a registry with Basic auth that the workers reach: a container on swarmlab-net, published on the gateway IP (for
#     the workers, whose dockerd has it as --insecure-registry) and on 127.0.0.1 (for the host's pushes)
#
# Usage: scripts/swarm-lab.sh [build] | up [--workers N] | test | down [--keep-image] | status
#   build   only build the node image (up does it when needed)
#   up      build the node image if needed, start registry and workers, init the swarm, join the workers
#   test    push two private builds, then with SwarmApi: forward the credentials, roll out build 1 to every worker,
#           rolling-update to build 2, check every task moved; and check a worker's engine is refused as no manager.
#           Prints a result block (times, tasks per node, digests) and exits non-zero if a check failed. Needs `up`.
#   down    leave the swarm and remove everything `up` and `test` made (containers, volumes, networks, images)
#
# The host engine must be in no swarm before `up` (it is shared: the lab refuses to take over a swarm it did not make).
# Environment: SWARM_LAB_DIR (state, default /tmp/redeploy-swarm-lab), SWARM_LAB_PORT (registry, default 5101),
#              DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -Eeuo pipefail # -E: the ERR trap of `up` also fires inside the functions it calls

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB="${SWARM_LAB_DIR:-/tmp/redeploy-swarm-lab}"
PORT="${SWARM_LAB_PORT:-5101}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NET=swarmlab-net
NODE_IMAGE=swarmlab/node:bookworm
REGISTRY_CONTAINER=swarmlab-registry
LAB_USER=labuser
LAB_PASSWORD=swarmlab-secret # a throwaway test credential for a registry that lives only as long as the lab
LABEL=io.redeploy.swarmlab

log() { echo "swarm-lab: $*"; }
die() { log "$*"; exit 1; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { log "timed out waiting for $what"; return 1; }
    sleep 0.5
  done
}

workers() { docker ps -a --filter "label=$LABEL=worker" --format '{{.Names}}' | sort; }
wdocker() { local w=$1; shift; docker -H "unix://$LAB/$w/docker.sock" "$@"; }
gateway() { docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$NET"; }

# The node image: Debian bookworm minbase + docker.io (dockerd 20.10, as on the host), containerd, runc, iptables, and
# docker-registry (the lab registry runs from the same image).
build_node_image() {
  if docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then log "node image $NODE_IMAGE already built"; return; fi
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  local rootfs="$LAB/rootfs"
  rm -rf "$rootfs"; mkdir -p "$LAB"
  log "debootstrap bookworm (minbase + docker.io containerd iptables docker-registry): a few minutes"
  debootstrap --variant=minbase --include=docker.io,containerd,runc,iptables,iproute2,procps,ca-certificates,docker-registry \
    bookworm "$rootfs" "$MIRROR" >"$LAB/debootstrap.log" 2>&1 || { tail -20 "$LAB/debootstrap.log"; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/usr/local/bin/lab-node"]' \
    --change "LABEL $LABEL=node-image" \
    - "$NODE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "built $NODE_IMAGE ($(docker image inspect -f '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
}

start_registry() {
  local gw=$1
  mkdir -p "$LAB/registry"
  htpasswd -Bbn "$LAB_USER" "$LAB_PASSWORD" > "$LAB/registry/htpasswd"
  cat > "$LAB/registry/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: /var/lib/registry}}
http: {addr: 0.0.0.0:5000, secret: swarmlab-not-a-secret}
auth: {htpasswd: {realm: swarmlab, path: /etc/lab/htpasswd}}
YAML
  docker run -d --name "$REGISTRY_CONTAINER" --label "$LABEL=registry" --network "$NET" \
    -p "127.0.0.1:$PORT:5000" -p "$gw:$PORT:5000" -v "$LAB/registry:/etc/lab:ro" \
    "$NODE_IMAGE" docker-registry serve /etc/lab/config.yml >/dev/null
  wait_for 30 "the lab registry" curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/"
  log "registry on $gw:$PORT (workers) and 127.0.0.1:$PORT (host), user $LAB_USER"
}

start_worker() { # start_worker NAME REGISTRY
  local w=$1 registry=$2
  mkdir -p "$LAB/$w"
  docker volume create --label "$LABEL=worker" "$w-data" >/dev/null
  # What --privileged would give, less CAP_SYS_RESOURCE (see swarm-lab-node.sh): all other capabilities, no seccomp or
  # AppArmor filter, unmasked /proc and /sys paths, every device.
  docker run -d --name "$w" --hostname "$w" --label "$LABEL=worker" --network "$NET" \
    --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm' \
    -e "LAB_REGISTRY=$registry" -v "$w-data:/var/lib/docker" -v "$LAB/$w:/run/lab" \
    -v "$ROOT/scripts/swarm-lab-node.sh:/usr/local/bin/lab-node:ro" \
    "$NODE_IMAGE" >/dev/null
  if ! wait_for 90 "dockerd in $w" wdocker "$w" version; then
    docker logs --tail 30 "$w" >&2 || true
    return 1
  fi
  log "$w: dockerd $(wdocker "$w" version -f '{{.Server.Version}}') up"
}

up() {
  local n=2
  [ "${1:-}" = --workers ] && n=$2
  [ "$(id -u)" = 0 ] || die "run as root (debootstrap, the DinD nodes)"
  local state; state=$(docker info -f '{{.Swarm.LocalNodeState}}')
  if [ "$state" != inactive ]; then
    [ -f "$LAB/swarm-ours" ] && die "the lab is already up (scripts/swarm-lab.sh down first)"
    die "the host engine is already in a swarm (LocalNodeState=$state) that the lab did not make: refusing"
  fi
  mkdir -p "$LAB"
  # Whatever fails from here on, leave the engine as it was (the node image stays, for the next try).
  trap 'log "up failed; taking down what it started"; down --keep-image' ERR
  if docker network inspect docker_gwbridge >/dev/null 2>&1; then touch "$LAB/gwbridge-existed"; else rm -f "$LAB/gwbridge-existed"; fi
  build_node_image
  docker network create --label "$LABEL=net" "$NET" >/dev/null
  local gw; gw=$(gateway)
  start_registry "$gw"
  for i in $(seq 1 "$n"); do start_worker "swarmlab-w$i" "$gw:$PORT"; done
  docker swarm init --advertise-addr "$gw" --listen-addr "$gw:2377" >/dev/null
  touch "$LAB/swarm-ours"
  local token; token=$(docker swarm join-token -q worker)
  for w in $(workers); do
    local addr; addr=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$w")
    wdocker "$w" swarm join --token "$token" --advertise-addr "$addr" "$gw:2377" >/dev/null
  done
  wait_for 60 "every worker ready" sh -c "[ \$(docker node ls -f role=worker --format '{{.Status}}' | grep -c Ready) -ge $n ]"
  echo "$gw" > "$LAB/gateway"
  trap - ERR
  docker node ls
}

# The SwarmApi driver runs from the agent's test classes (SwarmLabDriver), on the module's dependency classpath.
driver_classpath() {
  if [ ! -f "$LAB/classpath" ] || [ ! -d "$ROOT/agent/target/test-classes/io/redeploy/agent/swarm" ]; then
    (cd "$ROOT" && mvn -B -ntp -q -pl agent test-compile dependency:build-classpath \
      -Dmdep.outputFile="$LAB/classpath" -Dmdep.includeScope=test >/dev/null)
  fi
  echo "$ROOT/agent/target/test-classes:$ROOT/agent/target/classes:$(cat "$LAB/classpath")"
}

test_lab() {
  [ -f "$LAB/swarm-ours" ] || die "the lab is not up (scripts/swarm-lab.sh up)"
  local gw; gw=$(cat "$LAB/gateway")
  local run; run=$(date +%s)
  local cfg="$LAB/docker-config"
  mkdir -p "$cfg"
  echo "$LAB_PASSWORD" | DOCKER_CONFIG="$cfg" docker login -u "$LAB_USER" --password-stdin "127.0.0.1:$PORT" >/dev/null
  local digests=()
  for b in 1 2; do
    local ref="127.0.0.1:$PORT/swarmlab/web:main"
    DOCKER_CONFIG="$cfg" "$ROOT/scripts/build-test-image.sh" "$ref" "lab-$run-$b" --healthcheck >/dev/null
    digests+=("$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$ref" | grep "^127.0.0.1:$PORT/swarmlab/web@" | cut -d@ -f2)")
    echo "127.0.0.1:$PORT/swarmlab/web@${digests[-1]}" >> "$LAB/local-images"
    docker rmi "$ref" >/dev/null
  done
  printf '%s' "$LAB_PASSWORD" > "$LAB/password"
  java -cp "$(driver_classpath)" io.redeploy.agent.swarm.SwarmLabDriver \
    --registry "$gw:$PORT" --repository swarmlab/web --tag main --username "$LAB_USER" --password-file "$LAB/password" \
    --first "${digests[0]}" --second "${digests[1]}" --worker-socket "unix://$LAB/swarmlab-w1/docker.sock" \
    --service "swarmlab-web-$run" --replicas 4
}

down() {
  local state; state=$(docker info -f '{{.Swarm.LocalNodeState}}')
  if [ -f "$LAB/swarm-ours" ]; then
    docker service ls -q --filter "label=$LABEL=service" | xargs -r docker service rm >/dev/null || true
    docker swarm leave --force >/dev/null || true
    rm -f "$LAB/swarm-ours"
  elif [ "$state" != inactive ]; then
    log "the host engine is in a swarm the lab did not make (LocalNodeState=$state): leaving it alone"
  fi
  workers | xargs -r docker rm -f >/dev/null || true
  docker rm -f "$REGISTRY_CONTAINER" >/dev/null 2>&1 || true
  docker volume ls -q --filter "label=$LABEL=worker" | xargs -r docker volume rm >/dev/null || true
  for n in "$NET" $([ -f "$LAB/gwbridge-existed" ] || echo docker_gwbridge); do
    for _ in $(seq 1 20); do
      docker network rm "$n" >/dev/null 2>&1 && break
      docker network inspect "$n" >/dev/null 2>&1 || break
      sleep 0.5
    done
  done
  if [ -f "$LAB/local-images" ]; then xargs -r docker rmi -f < "$LAB/local-images" >/dev/null 2>&1 || true; fi
  if [ "${1:-}" != --keep-image ]; then docker rmi "$NODE_IMAGE" >/dev/null 2>&1 || true; fi
  # The workers' /var/lib/docker was in their volumes; the rest of the state is ours to remove.
  rm -rf "$LAB"
  log "down: swarm $(docker info -f '{{.Swarm.LocalNodeState}}'), no lab container, volume or network left"
}

status() {
  docker info -f 'host engine: swarm {{.Swarm.LocalNodeState}}, node {{.Swarm.NodeID}}'
  if [ -f "$LAB/swarm-ours" ]; then docker node ls; fi
  docker ps -a --filter "label=$LABEL" --format '{{.Names}}\t{{.Status}}'
}

case "${1:-}" in
  build) mkdir -p "$LAB"; build_node_image ;;
  up) shift; up "$@" ;;
  test) test_lab ;;
  down) shift; down "$@" ;;
  status) status ;;
  *) echo "usage: $0 build | up [--workers N] | test | down [--keep-image] | status" >&2; exit 2 ;;
esac
