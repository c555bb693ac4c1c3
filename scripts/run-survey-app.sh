#!/usr/bin/env bash
# One command to try the survey app: PostgreSQL from the local stack, the app built and run on :8000.
# Sign in at http://127.0.0.1:8000 as admin@example.com / local-admin-password (override with the env vars).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/dev-stack.sh up
if [ ! -f survey-app/target/survey-app.jar ] || [ -n "$(find survey-app/src -newer survey-app/target/survey-app.jar -print -quit)" ]; then
  mvn -q -B -ntp -pl survey-app -am package -DskipTests
fi
export DATABASE_URL="${DATABASE_URL:-postgres://survey:survey@127.0.0.1:5432/survey}"
export SURVEY_ADMIN_EMAIL="${SURVEY_ADMIN_EMAIL:-admin@example.com}"
export SURVEY_ADMIN_PASSWORD="${SURVEY_ADMIN_PASSWORD:-local-admin-password}"
export COOKIE_SECURE="${COOKIE_SECURE:-false}"
exec java -jar survey-app/target/survey-app.jar
