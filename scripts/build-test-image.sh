#!/usr/bin/env bash
# Builds a tiny HTTP image FROM scratch with Debian's busybox-static and pushes it.
# GET / answers the build id; port 8080.
# Usage: scripts/build-test-image.sh IMAGE:TAG BUILD_ID [healthy|unhealthy|slow|crash|crash-env] [--healthcheck] [--label K=V]... [--env K=V]...
#   healthy    serves / (default)
#   unhealthy  runs, but never answers HTTP (health gate must time out)
#   slow       serves / only 8 s after each start (a health gate with a longer timeout passes late)
#   crash      exits 1 right after start
#   crash-env  prints "connecting to $DATABASE_URL" (a build that shows its secrets on crash), then exits 1
#   --healthcheck  adds a Docker HEALTHCHECK (wget localhost:8080)
#   --env K=V      adds an ENV to the image config (e.g. PG_MAJOR=16, like the official postgres image)
# With --no-push the image is only built locally.
set -euo pipefail
ref=$1; build=$2; shift 2
mode=healthy; healthcheck=""; push=1; labels=(); envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    healthy|unhealthy|slow|crash|crash-env) mode=$1 ;;
    --healthcheck) healthcheck=1 ;;
    --no-push) push="" ;;
    --label) labels+=("$2"); shift ;;
    --env) envs+=("$2"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$(readlink -f /bin/busybox)" "$ctx/busybox"
mkdir -p "$ctx/www"
echo "build=$build" > "$ctx/www/index.html"
# crash-env's variables are expanded by the container's shell at run time, not by this script.
# shellcheck disable=SC2016
case $mode in
  healthy)   cmd='["/bin/busybox","httpd","-f","-p","8080","-h","/www"]' ;;
  unhealthy) cmd='["/bin/busybox","sleep","3600"]' ;;
  slow)      cmd='["/bin/busybox","sh","-c","sleep 8; exec /bin/busybox httpd -f -p 8080 -h /www"]' ;;
  crash)     cmd='["/bin/busybox","sh","-c","echo crashing; exit 1"]' ;;
  crash-env) cmd='["/bin/busybox","sh","-c","echo connecting to $DATABASE_URL; echo password $DB_PASSWORD refused; exit 1"]' ;;
esac
{
  echo "FROM scratch"
  echo "COPY busybox /bin/busybox"
  echo "COPY www /www"
  echo "LABEL org.opencontainers.image.version=\"$build\""
  for l in "${labels[@]}"; do echo "LABEL $l"; done
  for e in "${envs[@]}"; do echo "ENV $e"; done
  echo "ENV PATH=/bin"
  echo 'RUN ["/bin/busybox","--install","-s","/bin"]'
  echo 'RUN ["/bin/busybox","mkdir","-p","/data","/tmp"]'
  if [ -n "$healthcheck" ]; then
    echo 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD ["/bin/busybox","wget","-q","-O","/dev/null","http://127.0.0.1:8080/"]'
  fi
  echo "EXPOSE 8080"
  echo "CMD $cmd"
} > "$ctx/Dockerfile"
# The RUN steps need no network: --network none keeps builds independent of the default bridge (docker0).
DOCKER_BUILDKIT=0 docker build -q --network none -t "$ref" "$ctx" >/dev/null 2>"$ctx/build.err" || { cat "$ctx/build.err" >&2; exit 1; }
if [ -n "$push" ]; then docker push -q "$ref" >/dev/null; fi
echo "$ref"
