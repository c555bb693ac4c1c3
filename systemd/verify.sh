#!/usr/bin/env bash
# Checks systemd/redeploy-agent.service without a running systemd:
#   1. `systemd-analyze verify` on a copy of the unit must print nothing (warnings count as failures);
#   2. `systemd-analyze security --offline` must rate its exposure at most $MAX_EXPOSURE (0-100 scale, 30 = 3.0).
# Installs Debian's `systemd` package first when systemd-analyze is missing (CI runs as root or with sudo).
# Usage: systemd/verify.sh [UNIT_FILE]
set -euo pipefail

MAX_EXPOSURE="${MAX_EXPOSURE:-30}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
unit="${1:-$here/redeploy-agent.service}"

die() { echo "verify.sh: $*" >&2; exit 1; }

[[ -f "$unit" ]] || die "no unit file at $unit"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "verify.sh: systemd-analyze missing; installing Debian's systemd package" >&2
    sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "systemd-analyze is missing and installing it needs root"
        sudo="sudo"
    fi
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends systemd >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify and security look at the unit by its file name; a private copy keeps the check independent of
# whatever is (or is not) installed in /etc/systemd/system on this machine. The User=/Group= need not exist.
cp "$unit" "$work/redeploy-agent.service"
cd "$work"

output="$(systemd-analyze verify ./redeploy-agent.service 2>&1)" || {
    echo "$output" >&2
    die "systemd-analyze verify failed"
}
if [[ -n "$output" ]]; then
    echo "$output" >&2
    die "systemd-analyze verify printed warnings"
fi
echo "verify: ok ($(systemd-analyze --version | head -n1))"

if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    report="$(systemd-analyze security --offline=yes --threshold="$MAX_EXPOSURE" ./redeploy-agent.service 2>&1)" && status=0 || status=$?
    echo "security: $(echo "$report" | grep 'Overall exposure level' | sed 's/^[^O]*//')"
    if [[ $status -ne 0 ]]; then
        echo "$report" | grep '✗' >&2 || true
        die "exposure above the threshold $MAX_EXPOSURE (on the 0-100 scale)"
    fi
else
    echo "security: skipped (this systemd-analyze has no --offline mode; it needs systemd 250 or later)"
fi
