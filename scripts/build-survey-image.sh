#!/usr/bin/env bash
# Builds the real survey-app image without Docker Hub and pushes it, by default as
# 127.0.0.1:5000/survey/survey-app:<tag> (the local registry of scripts/dev-stack.sh). Always with
# survey-app/Dockerfile, the production build GitHub Actions runs, on the local base images that
# survey-app/scripts/build-local-base.sh makes from Debian packages (built first when missing; needs root).
#
# Usage: scripts/build-survey-image.sh [--from-jar] [--variant healthy|unhealthy|crash] [--repository REPO]
#                                      [--revision ID] [--no-push] [TAG...]          (TAG default: main)
#   (default)   the whole Dockerfile: its Maven stage resolves the dependencies from Maven Central and
#               compiles inside the build image (minutes: no cache from the host's ~/.m2).
#   --from-jar  fast path for tests: survey-app/target/survey-app.jar, built on the host first when missing or
#               older than the sources (`mvn -pl survey-app -am package -DskipTests`, which uses ~/.m2), is put
#               in place of the Maven stage's output: the build stage becomes the runtime base image plus that
#               jar and an `mvn` that does nothing, so the Dockerfile's runtime stage (user, labels, env,
#               HEALTHCHECK, ENTRYPOINT) is the production one, unchanged.
#   --variant   healthy (default) the app as built;
#               unhealthy  the app runs but listens on 8001 instead of $PORT (8000): GET /health on 8000 never
#                          answers, so the image's HEALTHCHECK and the agent's health gate fail (a broken build);
#               crash      exits 1 at start, before the app.
#               A variant is a one-layer wrapper over the healthy image (label io.redeploy.test.variant).
#   --revision  org.opencontainers.image.revision label (default: the checkout's commit); a new value gives a
#               new digest even for the same code.
# Environment: IMAGE_PREFIX (default survey-local): the base images' prefix, as build-local-base.sh names them.
# Prints the pushed (or, with --no-push, built) references, one per line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${IMAGE_PREFIX:-survey-local}"
BUILD_IMAGE="$PREFIX/maven:17"
RUNTIME_IMAGE="$PREFIX/jre:17"

usage() {
  echo "usage: $0 [--from-jar] [--variant healthy|unhealthy|crash] [--repository REPO] [--revision ID] [--no-push] [TAG...]" >&2
  exit 2
}
from_jar=""; variant=healthy; repository=127.0.0.1:5000/survey/survey-app; revision=""; push=1; tags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from-jar) from_jar=1 ;;
    --variant) [ $# -ge 2 ] || usage; variant=$2; shift ;;
    --repository) [ $# -ge 2 ] || usage; repository=$2; shift ;;
    --revision) [ $# -ge 2 ] || usage; revision=$2; shift ;;
    --no-push) push="" ;;
    -*) echo "unknown argument $1" >&2; usage ;;
    *) tags+=("$1") ;;
  esac
  shift
done
case "$variant" in healthy|unhealthy|crash) ;; *) echo "unknown variant $variant" >&2; usage ;; esac
[ ${#tags[@]} -gt 0 ] || tags=(main)
if [ -z "$revision" ]; then
  revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
fi

log() { echo "build-survey-image: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ensure_base IMAGE FLAG: build the local base image with build-local-base.sh FLAG when the engine lacks it.
ensure_base() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  log "base image $1 missing: building it with survey-app/scripts/build-local-base.sh $2 (debootstrap, minutes)"
  as_root env IMAGE_PREFIX="$PREFIX" "$ROOT/survey-app/scripts/build-local-base.sh" "$2" >&2
}

# The build context survey-app/Dockerfile.dockerignore lets through, assembled here: the legacy builder (Docker 20.10
# without buildx) ignores that file and would send the whole checkout, target/ and .dev-stack/ included.
assemble_context() {
  local ctx=$work/context
  mkdir -p "$ctx/agent" "$ctx/survey-app/src"
  cp "$ROOT/pom.xml" "$ctx/"
  cp "$ROOT/agent/pom.xml" "$ctx/agent/"
  cp "$ROOT/survey-app/pom.xml" "$ctx/survey-app/"
  cp -r "$ROOT/survey-app/src/main" "$ctx/survey-app/src/"
  cp "$ROOT/survey-app/Dockerfile" "$ctx/survey-app/"
}

# host_jar: survey-app/target/survey-app.jar, (re)built by Maven on the host when missing or stale.
host_jar() {
  local jar=$ROOT/survey-app/target/survey-app.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/survey-app/src/main" "$ROOT/survey-app/pom.xml" "$ROOT/pom.xml" -newer "$jar" -print -quit)" ]; then
    log "packaging survey-app on the host (mvn -pl survey-app -am package -DskipTests)"
    (cd "$ROOT" && mvn -q -B -ntp -Dstyle.color=never -pl survey-app -am package -DskipTests) >&2
  fi
  echo "$jar"
}

# prebuilt_build_image JAR: a stand-in for the Maven stage's image, with the jar where `mvn package` leaves it.
prebuilt_build_image() {
  local dir=$work/prebuilt ref
  ref=$PREFIX/survey-app-prebuilt:$(sha256sum "$1" | cut -c1-12)
  mkdir -p "$dir"
  cp "$1" "$dir/survey-app.jar"
  printf '#!/bin/sh\necho "mvn $*: skipped, the jar was built on the host (build-survey-image.sh --from-jar)"\n' > "$dir/mvn"
  chmod 0755 "$dir/mvn"
  cat > "$dir/Dockerfile" <<DOCKERFILE
FROM $RUNTIME_IMAGE
COPY mvn /usr/local/bin/mvn
COPY survey-app.jar /src/survey-app/target/survey-app.jar
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q -t "$ref" "$dir" >/dev/null 2>"$work/prebuilt.err" || { cat "$work/prebuilt.err" >&2; exit 1; }
  echo "$ref"
}

ensure_base "$RUNTIME_IMAGE" --runtime-only
if [ -n "$from_jar" ]; then
  BUILD_IMAGE=$(prebuilt_build_image "$(host_jar)")
else
  ensure_base "$BUILD_IMAGE" --build-only
fi
assemble_context

first="$repository:${tags[0]}"
# A variant wraps the healthy image, built under a temporary local name first.
healthy=$first
[ "$variant" = healthy ] || healthy="$PREFIX/survey-app-build:$(basename "$work")"
log "building $first ($variant) with survey-app/Dockerfile, BUILD_IMAGE=$BUILD_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE"
DOCKER_BUILDKIT=0 docker build -q -f "$work/context/survey-app/Dockerfile" \
  --build-arg BUILD_IMAGE="$BUILD_IMAGE" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" \
  --label org.opencontainers.image.revision="$revision" --label org.opencontainers.image.version="${tags[0]}" \
  -t "$healthy" "$work/context" >/dev/null 2>"$work/build.err" || { cat "$work/build.err" >&2; exit 1; }

if [ "$variant" != healthy ]; then
  mkdir -p "$work/variant"
  # shellcheck disable=SC2016 # $PORT is the container's, expanded by its bash
  case "$variant" in
    unhealthy) entry='["bash", "-c", "echo \"survey-app: broken build (unhealthy variant): listening on 8001, not $PORT\" >&2; PORT=8001 exec java -jar /app/survey-app.jar"]' ;;
    crash) entry='["bash", "-c", "echo \"survey-app: broken build (crash variant): exiting\" >&2; exit 1"]' ;;
  esac
  printf 'FROM %s\nLABEL io.redeploy.test.variant=%s\nENTRYPOINT %s\n' "$healthy" "$variant" "$entry" > "$work/variant/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$first" "$work/variant" >/dev/null 2>"$work/variant.err" || { cat "$work/variant.err" >&2; exit 1; }
  docker rmi "$healthy" >/dev/null
fi

for tag in "${tags[@]}"; do
  ref="$repository:$tag"
  [ "$ref" = "$first" ] || docker tag "$first" "$ref"
  if [ -n "$push" ]; then docker push -q "$ref" >/dev/null; fi
  echo "$ref"
done
