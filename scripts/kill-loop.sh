#!/usr/bin/env bash
# The kill loop: the packaged agent deploys real builds from the local registry (127.0.0.1:5000) and is killed with
# SIGKILL at a random moment of each deploy, then restarted; after each restart the services must be whole on their
# newest healthy build, with no outage that /healthz and a WARN did not report, and no build deployed again after it
# was found unhealthy. Scenarios in turn: stop-first, rollback (broken build), adoption of a container started by hand,
# start-first behind the agent's port, a dependency whose dependent is restarted. See docs/reliability.md.
#
# Usage: scripts/kill-loop.sh [--survey] [KILLS (30)] [BROKEN_RATIO (0.3)] [SEED (random; printed, to repeat a run)]
#   --survey  the real survey stack instead of the small test image: survey-app (scripts/build-survey-image.sh) as
#             web and front, PostgreSQL 15 (scripts/build-postgres-image.sh) with the pg_dump hook as base; a JVM
#             start and migrations per deploy, a 45 s health gate (images built once per machine when missing).
# Needs the local stack (scripts/dev-stack.sh up). Prints one `killloop` line per kill and a table; the full output
# goes to a temp file named at the start. Exit status: 0 when there was no violation.
set -euo pipefail
cd "$(dirname "$0")/.."
images="test"
if [ "${1:-}" = "--survey" ]; then images="survey"; shift; fi
kills=${1:-30}
ratio=${2:-0.3}
seed=${3:-}
args=(-Dkillloop.images="$images" -Dkillloop.kills="$kills" -Dkillloop.broken="$ratio")
if [ -n "$seed" ]; then args+=(-Dkillloop.seed="$seed"); fi
log=$(mktemp /tmp/kill-loop.XXXXXX.log)
echo "kill-loop: $images images, $kills kills, broken ratio $ratio; maven output in $log"
set +e
mvn -B -ntp -pl agent verify -Dspotless.check.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KillLoopIT \
  "${args[@]}" 2>&1 | tee "$log" | grep --line-buffered '^killloop'
codes=("${PIPESTATUS[@]}")
set -e
status=${codes[0]}
if [ "$status" -ne 0 ]; then
  echo "kill-loop: FAILED (maven exit $status); see $log"
fi
exit "$status"
