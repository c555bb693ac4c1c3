#!/usr/bin/env bash
# Builds the two base images survey-app/Dockerfile needs, from Debian packages only (no Docker Hub):
#   survey-local/jre:17     Debian bookworm (minbase) + openjdk-17-jre-headless      -> RUNTIME_IMAGE
#   survey-local/maven:17   the same + openjdk-17-jdk-headless + maven               -> BUILD_IMAGE
# with debootstrap and `docker import`. Then build the app image with:
#   docker build -f survey-app/Dockerfile \
#     --build-arg BUILD_IMAGE=survey-local/maven:17 --build-arg RUNTIME_IMAGE=survey-local/jre:17 \
#     -t ghcr.io/acme/survey-app:main .
#
# Usage: survey-app/scripts/build-local-base.sh [--runtime-only]
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), SUITE (default bookworm),
#              IMAGE_PREFIX (default survey-local). Needs root (debootstrap) and a Docker engine.
set -euo pipefail

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"
PREFIX="${IMAGE_PREFIX:-survey-local}"
RUNTIME_ONLY=false
[ "${1:-}" = "--runtime-only" ] && RUNTIME_ONLY=true

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
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

# build_image NAME PACKAGES: debootstrap a minimal root file system with PACKAGES and import it.
build_image() {
  local name=$1 packages=$2 rootfs="$WORK/$1"
  log "debootstrap $SUITE for $name ($packages)"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" "$MIRROR" >"$WORK/$1.log" 2>&1 \
    || { tail -30 "$WORK/$1.log"; log "debootstrap failed for $name"; return 1; }
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

build_image jre "ca-certificates,openjdk-17-jre-headless"
if ! $RUNTIME_ONLY; then
  build_image maven "ca-certificates,openjdk-17-jdk-headless,maven"
fi
log "done: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "^$PREFIX/" | tr '\n' ' ')"
