#!/usr/bin/env bash
# The local stack the agent's integration tests and the README's run command use:
#   - dockerd on /var/run/docker.sock (started only if no engine answers)
#   - an anonymous OCI registry on 127.0.0.1:5000
#   - an htpasswd (Basic auth) registry on 127.0.0.1:5001, user "tester" / password "tester-secret"
#   - PostgreSQL on 127.0.0.1:5432 for the survey app (role/db "survey", password "survey")
#
# Usage: scripts/dev-stack.sh up|down|status [--no-install]
#        scripts/dev-stack.sh restart-docker   stop the dockerd this script started (SIGTERM) and start it again,
#                                              as a daemon restart in production does (DockerRestartIT uses it)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${REDEPLOY_STACK_DIR:-$ROOT/.dev-stack}"
REGISTRY_PORT=5000
AUTH_REGISTRY_PORT=5001
AUTH_USER=tester
AUTH_PASSWORD=tester-secret
# dockerd's own shutdown stops every container with its stop timeout (its shutdown-timeout is 15 s at least).
DOCKERD_STOP_WAIT=${REDEPLOY_DOCKERD_STOP_WAIT:-90}

log() { echo "dev-stack: $*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  [ -x /bin/busybox ] && busybox --list 2>/dev/null | grep -qx httpd || missing+=(busybox-static)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v curl >/dev/null || missing+=(curl)
  command -v ip >/dev/null || missing+=(iproute2)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then log "timed out waiting for $what"; return 1; fi
    sleep 0.3
  done
}

start_docker() {
  if docker version >/dev/null 2>&1; then log "docker engine already answers"; else launch_dockerd; fi
  pin_bridge_mac docker0
}

# dockerd gives a bridge it creates a fixed MAC (addr_assign_type 3). A docker0 made by anything else (a machine image,
# a script) takes the lowest MAC of its ports instead, which changes whenever a container leaves: the containers that
# stay keep the old gateway MAC in their ARP cache, and for a moment their answers to the host are lost. A connection
# through docker-proxy then stalls for seconds (it made ProxyIT's zero-downtime check fail one probe in two).
# The agent warns about such a bridge at start-up (event=proxy.bridge_mac_floating); here the test host is fixed.
pin_bridge_mac() { # pin_bridge_mac DEVICE
  local dev=$1 type mac
  type=$(cat "/sys/class/net/$dev/addr_assign_type" 2>/dev/null) || return 0
  [ "$type" = 3 ] && return 0
  mac=$(printf '02:42:%02x:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
  as_root ip link set dev "$dev" address "$mac"
  log "$dev: its MAC followed its ports (addr_assign_type $type); pinned to $mac as dockerd would"
}

launch_dockerd() { # appends to the log: a restart keeps the previous daemon's shutdown lines
  mkdir -p "$WORK"
  log "starting dockerd"
  as_root bash -c "nohup dockerd </dev/null >>'$WORK/dockerd.log' 2>&1 & echo \$! > '$WORK/dockerd.pid'"
  wait_for 60 dockerd docker version
}

is_dockerd() { # is_dockerd PID
  [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ]
}

# Only the dockerd that this script started (its pid file in $WORK) is ever stopped: an engine run by systemd or
# by anyone else is not ours to take down.
restart_docker() {
  local pidfile="$WORK/dockerd.pid" pid=""
  [ -f "$pidfile" ] && pid=$(cat "$pidfile")
  if ! is_dockerd "$pid"; then
    if docker version >/dev/null 2>&1; then
      log "refusing to restart dockerd: the engine that answers was not started by this script (no live pid in $pidfile;"
      log "a system service? restart it with its own tools, or set REDEPLOY_STACK_DIR to the stack directory that started it)"
      return 1
    fi
    log "no dockerd running (pid file: ${pid:-none}); starting one"
    launch_dockerd
    return
  fi
  log "stopping dockerd (pid $pid)"
  as_root kill -TERM "$pid"
  local deadline=$((SECONDS + DOCKERD_STOP_WAIT))
  while is_dockerd "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      log "dockerd (pid $pid) still running ${DOCKERD_STOP_WAIT}s after SIGTERM; not restarted (see $WORK/dockerd.log)"
      return 1
    fi
    sleep 0.2
  done
  log "dockerd stopped"
  launch_dockerd
  log "dockerd restarted (pid $(cat "$pidfile"))"
}

registry_config() { # registry_config PORT DATADIR [HTPASSWD]
  cat <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $2
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
  secret: dev-stack-not-a-secret-$1
YAML
  if [ -n "${3:-}" ]; then
    cat <<YAML
auth:
  htpasswd:
    realm: dev-stack
    path: $3
YAML
  fi
}

start_registry() { # start_registry NAME PORT [HTPASSWD]
  local name=$1 port=$2 htpasswd=${3:-}
  if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then log "registry $name already on :$port"; return; fi
  mkdir -p "$WORK/$name"
  registry_config "$port" "$WORK/$name/data" "$htpasswd" > "$WORK/$name/config.yml"
  nohup docker-registry serve "$WORK/$name/config.yml" > "$WORK/$name/registry.log" 2>&1 &
  echo $! > "$WORK/$name/pid"
  wait_for 30 "registry $name" curl -s -o /dev/null "http://127.0.0.1:$port/v2/"
  log "registry $name on 127.0.0.1:$port"
}

pg_bindir() { # the newest installed PostgreSQL's bin directory
  local dirs=(/usr/lib/postgresql/*/bin)
  printf '%s\n' "${dirs[@]}" | sort -V | tail -1
}

start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then log "postgres already on :5432"; return; fi
  local bindir; bindir=$(pg_bindir)
  local data="$WORK/postgres"
  mkdir -p "$data"
  if id postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then chown -R postgres "$data"; RUN_PG="runuser -u postgres --"; else RUN_PG=""; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    $RUN_PG "$bindir/initdb" -D "$data" -U postgres -A trust >/dev/null
  fi
  $RUN_PG "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -o "-c listen_addresses=127.0.0.1 -p 5432 -k /tmp" -w start >/dev/null
  if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_roles where rolname='survey'" | grep -q 1; then
    psql -q -h 127.0.0.1 -U postgres -c "create role survey login superuser password 'survey'"
  fi
  if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='survey'" | grep -q 1; then
    psql -q -h 127.0.0.1 -U postgres -c "create database survey owner survey"
  fi
  log "postgres on 127.0.0.1:5432"
}

stop_pidfile() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then as_root kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$f"
}

up() {
  [ "${1:-}" = "--no-install" ] || install_packages
  mkdir -p "$WORK/auth"
  htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" > "$WORK/auth/htpasswd"
  start_docker
  start_registry registry "$REGISTRY_PORT"
  start_registry registry-auth "$AUTH_REGISTRY_PORT" "$WORK/auth/htpasswd"
  start_postgres
  log "up"
}

down() {
  # Only what this script started (pid files in $WORK): an engine, registry or database that was already
  # running belongs to someone else and is left alone, and so are its containers.
  if [ -f "$WORK/dockerd.pid" ] && docker version >/dev/null 2>&1; then
    docker ps -aq --filter label=redeploy-agent.managed=true | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  stop_pidfile "$WORK/registry/pid"
  stop_pidfile "$WORK/registry-auth/pid"
  if [ -f "$WORK/postgres/postmaster.pid" ]; then
    local bindir; bindir=$(pg_bindir)
    if id postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$WORK/postgres" -m fast stop >/dev/null || true
    else "$bindir/pg_ctl" -D "$WORK/postgres" -m fast stop >/dev/null || true; fi
  fi
  stop_pidfile "$WORK/dockerd.pid"
  log "down"
}

status() {
  docker version --format 'docker: server {{.Server.Version}} api {{.Server.APIVersion}}' 2>/dev/null || echo "docker: down"
  [ -r /sys/class/net/docker0/addr_assign_type ] && echo "docker0: mac $(cat /sys/class/net/docker0/address)" \
    "$( [ "$(cat /sys/class/net/docker0/addr_assign_type)" = 3 ] && echo fixed || echo "follows its ports")"
  for p in $REGISTRY_PORT $AUTH_REGISTRY_PORT; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/v2/" || true)
    echo "registry :$p: ${code:-down}"
  done
  pg_isready -h 127.0.0.1 -p 5432 2>/dev/null || echo "postgres: down"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  restart-docker) restart_docker ;;
  *) echo "usage: $0 up|down|status|restart-docker" >&2; exit 2 ;;
esac
