#!/usr/bin/env bash
# One command to see the agent work: start the local stack, push a demo build, build the agent, run it.
# Then, in another terminal:  scripts/build-test-image.sh 127.0.0.1:5000/demo/web:main 2
# and watch the agent replace the container (curl 127.0.0.1:18080, curl 127.0.0.1:8686/status).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/dev-stack.sh up
scripts/build-test-image.sh 127.0.0.1:5000/demo/web:main 1 >/dev/null
if [ ! -f agent/target/redeploy-agent.jar ] || [ -n "$(find agent/src -newer agent/target/redeploy-agent.jar -print -quit)" ]; then
  mvn -q -B -ntp -pl agent -am clean package -DskipTests
fi
export REDEPLOY_TRIGGER_TOKEN="${REDEPLOY_TRIGGER_TOKEN:-local-demo-token-0123456789abcdef0123}"
echo "run-local: trigger a poll with: curl -X POST -H 'Authorization: Bearer $REDEPLOY_TRIGGER_TOKEN' http://127.0.0.1:8686/v1/update"
exec java -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xmx64m -jar agent/target/redeploy-agent.jar --config examples/local.yml
