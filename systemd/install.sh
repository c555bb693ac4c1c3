#!/usr/bin/env bash
# Installs redeploy-agent as a systemd service, or removes it. Idempotent: run it again to upgrade the jar
# or the unit; an existing configuration and secrets file are never overwritten.
#
#   sudo systemd/install.sh                      build the jar with Maven, install, check the config, start
#   sudo systemd/install.sh --jar PATH           install a jar built elsewhere
#   systemd/install.sh --dry-run                 print what would be done; changes nothing, needs no root
#   sudo systemd/install.sh --uninstall          stop and remove the service and jar; keep config and state
#   sudo systemd/install.sh --uninstall --purge  also remove config, state and the system user
#
# Other options: --config-example PATH (the agent.yml copied when none is installed), --no-start.
set -euo pipefail

readonly SERVICE=redeploy-agent
readonly SERVICE_USER=redeploy-agent
readonly DOCKER_GROUP=docker
readonly JAVA=/usr/bin/java
readonly MIN_JAVA=17
readonly OPT_DIR=/opt/redeploy-agent
readonly JAR_TARGET=$OPT_DIR/redeploy-agent.jar
readonly CDS_ARCHIVE=$OPT_DIR/redeploy-agent.jsa
readonly ETC_DIR=/etc/redeploy-agent
readonly CONFIG=$ETC_DIR/agent.yml
readonly ENV_FILE=$ETC_DIR/agent.env
readonly STATE_DIR=/var/lib/redeploy-agent
readonly UNIT_TARGET=/etc/systemd/system/$SERVICE.service

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
unit_source="$here/$SERVICE.service"
env_example="$here/$SERVICE.env.example"
classlist="$here/$SERVICE.classlist"

dry_run=false
uninstall=false
purge=false
start=true
jar=""
config_example=""

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
say() { echo "install.sh: $*"; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

# Runs a command, or only prints it with --dry-run. Every change to the system goes through here.
run() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
    if ! $dry_run; then
        "$@"
    fi
}

parse_args() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --jar) [[ $# -ge 2 ]] || die "--jar needs a path"; jar="$2"; shift ;;
            --config-example) [[ $# -ge 2 ]] || die "--config-example needs a path"; config_example="$2"; shift ;;
            --dry-run) dry_run=true ;;
            --uninstall) uninstall=true ;;
            --purge) purge=true ;;
            --no-start) start=false ;;
            -h|--help) usage; exit 0 ;;
            *) usage >&2; die "unknown option '$1'" ;;
        esac
        shift
    done
    if $purge && ! $uninstall; then
        die "--purge only goes with --uninstall"
    fi
}

require_root_and_systemd() {
    if $dry_run; then
        say "dry run: nothing is changed"
        return
    fi
    [[ "$(id -u)" == 0 ]] || die "run as root (or use --dry-run)"
    [[ -d /run/systemd/system ]] || die "systemd is not running on this machine"
}

# ---- install

java_major_version() {
    "$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

check_java() {
    if [[ ! -x "$JAVA" ]]; then
        $dry_run && { say "warning: $JAVA not found; the unit runs it (install openjdk-$MIN_JAVA-jre-headless)"; return; }
        die "$JAVA not found; install a Java $MIN_JAVA+ runtime, e.g. apt-get install openjdk-$MIN_JAVA-jre-headless"
    fi
    local major
    major="$(java_major_version)"
    if [[ -z "$major" || "$major" -lt $MIN_JAVA ]]; then
        $dry_run && { say "warning: $JAVA is Java '${major:-unknown}', $MIN_JAVA+ is needed"; return; }
        die "$JAVA is Java '${major:-unknown}'; redeploy-agent needs Java $MIN_JAVA or later"
    fi
}

resolve_jar() {
    if [[ -n "$jar" ]]; then
        [[ -f "$jar" ]] || die "no jar at $jar"
        return
    fi
    jar="$repo/agent/target/redeploy-agent.jar"
    say "building $jar"
    run mvn -q -f "$repo/pom.xml" -DskipTests package
    $dry_run || [[ -f "$jar" ]] || die "the build did not produce $jar"
}

resolve_config_example() {
    if [[ -n "$config_example" ]]; then
        [[ -f "$config_example" ]] || die "no example config at $config_example"
        return
    fi
    if [[ -f "$repo/systemd/agent.example.yml" ]]; then
        config_example="$repo/systemd/agent.example.yml"
    fi
}

ensure_user() {
    if ! getent group "$DOCKER_GROUP" >/dev/null; then
        $dry_run && { say "warning: group '$DOCKER_GROUP' does not exist (is Docker installed?)"; }
        $dry_run || die "group '$DOCKER_GROUP' does not exist; install Docker first"
    fi
    if id "$SERVICE_USER" >/dev/null 2>&1; then
        if id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx "$DOCKER_GROUP"; then
            say "user $SERVICE_USER exists and is in group $DOCKER_GROUP"
        else
            run usermod --append --groups "$DOCKER_GROUP" "$SERVICE_USER"
        fi
    else
        run useradd --system --user-group --groups "$DOCKER_GROUP" --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "redeploy-agent daemon" "$SERVICE_USER"
    fi
}

# Copies $1 to $2 (mode $3, owner root) unless $2 already has that content; sets files_changed when it copied.
# The copy goes to a temp name first and is renamed, so a running service never sees half a file.
files_changed=false
install_file() {
    local source="$1" target="$2" mode="$3"
    if [[ -f "$target" ]] && cmp -s "$source" "$target"; then
        say "$target is up to date"
        return
    fi
    run install -D -m "$mode" -o root -g root "$source" "$target.new"
    run mv -f "$target.new" "$target"
    files_changed=true
}

# An AppCDS archive of the classes a real run loads (systemd/redeploy-agent.classlist), dumped with this
# server's JDK: the unit maps it with -XX:SharedArchiveFile, which shortens start-up and lowers resident
# memory. Rebuilt with every install because it is only valid for this jar and this JDK; if the dump fails the
# agent still runs (-Xshare:auto ignores a missing archive), a little slower to start.
install_cds_archive() {
    if [[ ! -f "$classlist" ]]; then
        say "warning: no $classlist; starting without a class-data archive"
        return
    fi
    local java_binary
    java_binary="$(readlink -f "$JAVA" 2>/dev/null || echo "$JAVA")"
    if [[ -f "$CDS_ARCHIVE" && "$CDS_ARCHIVE" -nt "$JAR_TARGET" && "$CDS_ARCHIVE" -nt "$java_binary" \
            && "$CDS_ARCHIVE" -nt "$classlist" ]]; then
        say "$CDS_ARCHIVE is up to date"
        return
    fi
    if ! run "$JAVA" -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$CDS_ARCHIVE.new" \
            -cp "$JAR_TARGET" -Xlog:cds=off -Xlog:cds+dynamic=off; then
        run rm -f "$CDS_ARCHIVE.new" "$CDS_ARCHIVE"
        say "warning: could not build the class-data archive; the agent starts without it"
        return
    fi
    run chmod 0644 "$CDS_ARCHIVE.new"
    run mv -f "$CDS_ARCHIVE.new" "$CDS_ARCHIVE"
    files_changed=true
}

install_config() {
    run install -d -m 0750 -o root -g "$SERVICE_USER" "$ETC_DIR"
    if [[ -f "$CONFIG" ]]; then
        say "keeping existing $CONFIG"
    elif [[ -n "$config_example" ]]; then
        run install -m 0640 -o root -g "$SERVICE_USER" "$config_example" "$CONFIG"
        say "installed an example $CONFIG: edit it before the agent can start"
    else
        die "$CONFIG does not exist and no example config was found; pass --config-example PATH"
    fi
    if [[ -f "$ENV_FILE" ]]; then
        say "keeping existing $ENV_FILE"
    else
        run install -m 0600 -o root -g root "$env_example" "$ENV_FILE"
    fi
}

# Exports the NAME=value lines of the environment file (the subset of systemd's syntax install.sh needs),
# without evaluating them as shell code.
export_env_file() {
    local line name value
    [[ -r "$ENV_FILE" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        name="${BASH_REMATCH[1]}"
        value="${BASH_REMATCH[2]}"
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        export "$name=$value"
    done < "$ENV_FILE"
}

# The agent validates the config itself (exit 2 = invalid), as the service user with the service's secrets.
check_config() {
    say "checking $CONFIG"
    echo "+ runuser -u $SERVICE_USER -- $JAVA -jar $JAR_TARGET --config $CONFIG --check  (with $ENV_FILE exported)"
    $dry_run && return 0
    local status=0
    (export_env_file && exec runuser -u "$SERVICE_USER" -- "$JAVA" -jar "$JAR_TARGET" --config "$CONFIG" --check) || status=$?
    case $status in
        0) say "configuration is valid" ;;
        2) die "$CONFIG is not valid (see above); fix it and run install.sh again. The service was not started." ;;
        *) die "the configuration check failed with exit code $status; the service was not started." ;;
    esac
}

start_service() {
    run systemctl daemon-reload
    if ! $start; then
        say "--no-start: not enabling or starting $SERVICE"
        return
    fi
    run systemctl enable "$SERVICE"
    if ! $dry_run && systemctl is-active --quiet "$SERVICE"; then
        if $files_changed; then
            run systemctl restart "$SERVICE"
        else
            say "$SERVICE is running and nothing changed"
        fi
    else
        run systemctl start "$SERVICE"
    fi
    say "done: journalctl -u $SERVICE -f   |   curl -s http://127.0.0.1:8686/healthz"
}

do_install() {
    [[ -f "$unit_source" ]] || die "no unit file at $unit_source"
    check_java
    resolve_jar
    resolve_config_example
    ensure_user
    run install -d -m 0755 -o root -g root "$OPT_DIR"
    install_file "$jar" "$JAR_TARGET" 0644
    install_cds_archive
    install_file "$unit_source" "$UNIT_TARGET" 0644
    install_config
    check_config
    start_service
}

# ---- uninstall

do_uninstall() {
    if [[ -f "$UNIT_TARGET" ]] || $dry_run; then
        run systemctl disable --now "$SERVICE" || true
        run rm -f "$UNIT_TARGET"
        run systemctl daemon-reload
        run systemctl reset-failed "$SERVICE" || true
    else
        say "$UNIT_TARGET is not installed"
    fi
    run rm -rf "$OPT_DIR"  # the jar and its class-data archive
    if $purge; then
        run rm -rf "$ETC_DIR" "$STATE_DIR"
        if id "$SERVICE_USER" >/dev/null 2>&1 || $dry_run; then
            run userdel "$SERVICE_USER"
        fi
        say "removed configuration, state and the user $SERVICE_USER"
    else
        say "kept $ETC_DIR and $STATE_DIR (remove them with --uninstall --purge)"
    fi
    say "containers the agent deployed keep running; they are Docker's, not the agent's"
}

main() {
    parse_args "$@"
    require_root_and_systemd
    if $uninstall; then
        do_uninstall
    else
        do_install
    fi
}

main "$@"
