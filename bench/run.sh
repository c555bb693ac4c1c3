#!/usr/bin/env bash
# Benchmarks of redeploy-agent on the real local stack (Docker engine, registry on 127.0.0.1:5000).
# Usage: bench/run.sh [all|cost|latency|downtime|footprint|scale|baseline|jdk|proxy|summary]   (BENCH_RUNS=3 by
#        default; baseline, jdk and proxy are not part of all)
# Writes bench/results/<name>.json and bench/results/SUMMARY.md. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case $what in
  all|cost|latency|downtime|footprint|scale|baseline|jdk|proxy|summary) ;;
  *) echo "usage: bench/run.sh [all|cost|latency|downtime|footprint|scale|baseline|jdk|proxy|summary]" >&2; exit 2 ;;
esac
if [ "$what" != summary ]; then
  # proxy starts the stack only when the registry does not answer (it may be shared with other jobs' tests)
  if [ "$what" != proxy ] || ! curl -sf -o /dev/null http://127.0.0.1:5000/v2/; then
    scripts/dev-stack.sh up >/dev/null
  fi
  if [ ! -f agent/target/redeploy-agent.jar ] || [ -n "$(find agent/src -newer agent/target/redeploy-agent.jar -print -quit)" ]; then
    mvn -q -B -o -pl agent -am package -DskipTests
  fi
fi
if [ "$what" = proxy ]; then
  python3 bench/proxy.py
elif [ "$what" = all ]; then
  for b in cost latency downtime footprint scale; do python3 bench/bench.py "$b"; done
else
  python3 bench/bench.py "$what"
fi
