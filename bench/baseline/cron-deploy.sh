#!/usr/bin/env bash
# The baseline: what teams run from cron without redeploy-agent, measured against it by bench/bench.py baseline.
# Usage: cron-deploy.sh compose DIR          docker-compose pull && docker-compose up -d, in DIR (docker-compose.yml + .env)
#        cron-deploy.sh run NAME IMAGE ARGS  docker pull IMAGE; when its id changed: docker rm -f NAME; docker run -d ARGS IMAGE
# e.g. crontab:  */1 * * * * /opt/cron-deploy.sh compose /srv/survey >>/var/log/cron-deploy.log 2>&1
# The five lines that matter are marked; the rest is argument handling for the benchmark.
set -euo pipefail
mode=${1:?usage: cron-deploy.sh compose DIR | run NAME IMAGE [docker run args...]}; shift
case $mode in
  compose)
    cd "${1:?DIR}"
    docker-compose pull -q && docker-compose up -d                                   # 1: the compose variant
    ;;
  run)
    name=${1:?NAME}; image=${2:?IMAGE}; shift 2
    before=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)          # 1
    docker pull -q "$image" >/dev/null                                                # 2
    [ "$(docker image inspect -f '{{.Id}}' "$image")" = "$before" ] && exit 0          # 3: nothing new
    docker rm -f "$name" >/dev/null 2>&1 || true                                      # 4
    docker run -d --name "$name" "$@" "$image" >/dev/null                             # 5
    ;;
  *) echo "cron-deploy.sh: unknown mode $mode" >&2; exit 2 ;;
esac
