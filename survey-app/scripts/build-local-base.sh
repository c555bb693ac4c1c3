#!/usr/bin/env bash
# Builds the two base images survey-app/Dockerfile needs, from Debian packages only (no Docker Hub):
#   survey-local/jre:17     Debian bookworm (minbase) + openjdk-17-jre-headless      -> RUNTIME_IMAGE
#   survey-local/maven:17   the same + openjdk-17-jdk-headless + maven               -> BUILD_IMAGE
# with debootstrap and `docker import`. Then build the app image with:
#   docker build -f survey-app/Dockerfile \
#     --build-arg BUILD_IMAGE=survey-local/maven:17 --build-arg RUNTIME_IMAGE=survey-local/jre:17 \
#     -t ghcr.io/acme/survey-app:main .
#
# Usage: survey-app/scripts/build-local-base.sh [--runtime-only | --build-only]
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), SUITE (default bookworm),
#              IMAGE_PREFIX (default survey-local),
#              HOST_CA_DIR (default /usr/local/share/ca-certificates): the host's extra CA certificates
#              (*.crt), trusted by the BUILD image too, so Maven works behind a TLS-inspecting proxy;
#              set it empty to skip. The runtime image trusts Debian's CAs only.
# Needs root (debootstrap, chroot) and a Docker engine.
set -euo pipefail

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"
PREFIX="${IMAGE_PREFIX:-survey-local}"
HOST_CA_DIR="${HOST_CA_DIR-/usr/local/share/ca-certificates}"
BUILD_RUNTIME=true
BUILD_MAVEN=true
case "${1:-}" in
  --runtime-only) BUILD_MAVEN=false ;;
  --build-only) BUILD_RUNTIME=false ;;
  "") ;;
  *) echo "usage: $0 [--runtime-only | --build-only]" >&2; exit 2 ;;
esac

log() { echo "build-local-base: $*"; }

if [ "$(id -u)" != 0 ]; then
  log "run as root (debootstrap needs it)"; exit 2
fi
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
docker version >/dev/null

WORK="$(mktemp -d /tmp/survey-base.XXXXXX)"
cleanup() { umount "$WORK"/*/proc 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# trust_host_cas ROOTFS: add the host's extra CA certificates (Java's store follows via ca-certificates-java).
trust_host_cas() {
  local rootfs=$1
  [ -n "$HOST_CA_DIR" ] && compgen -G "$HOST_CA_DIR/*.crt" >/dev/null || return 0
  log "trusting the host's CA certificates from $HOST_CA_DIR in the build image"
  cp "$HOST_CA_DIR"/*.crt "$rootfs/usr/local/share/ca-certificates/"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" update-ca-certificates >/dev/null
  umount "$rootfs/proc"
}

# build_image NAME PACKAGES [extra-step]: debootstrap a minimal root file system with PACKAGES and import it.
build_image() {
  local name=$1 packages=$2 extra=${3:-} rootfs="$WORK/$1"
  log "debootstrap $SUITE for $name ($packages)"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" "$MIRROR" >"$WORK/$1.log" 2>&1 \
    || { tail -30 "$WORK/$1.log"; log "debootstrap failed for $name"; return 1; }
  [ -n "$extra" ] && "$extra" "$rootfs"
  # Smaller image: no package lists, caches or docs.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/tmp/*
  log "importing $PREFIX/$name:17"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    - "$PREFIX/$name:17" >/dev/null
  docker run --rm "$PREFIX/$name:17" java -version 2>&1 | head -1
}

if $BUILD_RUNTIME; then
  build_image jre "ca-certificates,openjdk-17-jre-headless"
fi
if $BUILD_MAVEN; then
  build_image maven "ca-certificates,openjdk-17-jdk-headless,maven" trust_host_cas
fi
log "done: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "^$PREFIX/" | tr '\n' ' ')"
