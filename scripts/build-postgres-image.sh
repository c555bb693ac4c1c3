#!/usr/bin/env bash
# Builds a PostgreSQL image FROM scratch out of the host's Debian packages (Docker Hub is not reachable from the
# development machine or CI) and pushes it. It behaves like the official image where the agent cares:
#   - PGDATA=/var/lib/postgresql/data, owned by the postgres user (uid 999), so a NEW named volume mounted there
#     inherits the ownership; initdb runs on the first start (PG_VERSION missing), never again;
#   - POSTGRES_PASSWORD (required), POSTGRES_USER (default postgres), POSTGRES_DB (default POSTGRES_USER);
#     password (scram-sha-256) authentication over TCP from anywhere, trust on the Unix socket inside;
#   - STOPSIGNAL SIGINT (fast shutdown: a connected client does not hold the stop until it is killed),
#     a HEALTHCHECK with pg_isready, port 5432, ENV PG_MAJOR/PG_VERSION (what `policy: pin-major` reads).
# No VOLUME instruction: a container started without a mount keeps its data in its own layer instead of leaving
# an anonymous volume behind at every redeploy.
#
# Usage: scripts/build-postgres-image.sh [IMAGE:TAG [BUILD_ID]] [--no-push]
#   IMAGE:TAG defaults to 127.0.0.1:5000/survey/postgres:<major> (the local registry of scripts/dev-stack.sh).
#   BUILD_ID goes into a LABEL (org.opencontainers.image.revision), so every build has a new digest; default
#   local-<UTC time>. org.opencontainers.image.version is PostgreSQL's version (e.g. 15.18).
# Environment: PG_MAJOR (default 15, Debian bookworm's): the major to package, the one docker-compose.yml and
#   systemd/agent.example.yml name. Its server package (postgresql-<major>) is installed when missing. A tag that
#   names another major (e.g. :16 for a 15 build) is refused.
#
# How: a root file system is assembled from the installed files (/usr/lib/postgresql/<major>, its share dir,
# zoneinfo, every library ldd reports for the server, the client tools and the server's modules, the dynamic
# loader, busybox-static for the entrypoint's shell), tarred once and kept under $REDEPLOY_CACHE_DIR
# (default /var/cache/redeploy-agent, else /tmp), keyed by the PostgreSQL and busybox versions. A local base
# image is made from that tar once; each build is then FROM that base + a LABEL: seconds, and the push only
# uploads a new config (the registry has the layer).
set -euo pipefail

usage() { echo "usage: $0 [IMAGE:TAG [BUILD_ID]] [--no-push]" >&2; exit 2; }
major=${PG_MAJOR:-15}
ref=""; build=""
push=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-push) push="" ;;
    -*) echo "unknown argument $1" >&2; usage ;;
    *)
      if [ -z "$ref" ]; then ref=$1
      elif [ -z "$build" ]; then build=$1
      else echo "unexpected argument $1" >&2; usage
      fi ;;
  esac
  shift
done
ref=${ref:-127.0.0.1:5000/survey/postgres:$major}
build=${build:-local-$(date -u +%Y%m%dT%H%M%SZ)}
# A tag that is a version ("16", "16.4") must name the major built here: postgres:16 holding 15 would defeat pin-major.
tag=${ref##*:}
if [ "$tag" != "$ref" ] && [[ "$tag" =~ ^[0-9]+(\.[0-9]+)*$ ]] && [ "${tag%%.*}" != "$major" ]; then
  echo "build-postgres-image: $ref names PostgreSQL ${tag%%.*}, but this builds $major (set PG_MAJOR)" >&2
  exit 2
fi

log() { echo "build-postgres-image: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Bump when the layout of the root file system changes, so cached tars and base images are not reused.
LAYOUT=2
PG_UID=999
PG_GID=999

missing=()
[ -x "/usr/lib/postgresql/$major/bin/postgres" ] || missing+=("postgresql-$major")
# No `grep -q` or `head` after a pipe here: a reader that quits early kills the writer with SIGPIPE (pipefail).
[ -x /bin/busybox ] && busybox --list 2>/dev/null | grep -x sh >/dev/null || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pgroot=/usr/lib/postgresql/$major
pgbin=$pgroot/bin
# "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15.18
full=$("$pgbin/postgres" --version | awk '{print $3}')
busybox_bin=$(readlink -f /bin/busybox)
busybox_version=$("$busybox_bin" 2>&1 | sed -n 1p)
key=$(printf '%s\n' "$LAYOUT" "$("$pgbin/postgres" --version)" "$busybox_version" | sha256sum | cut -c1-12)

cache=${REDEPLOY_CACHE_DIR:-/var/cache/redeploy-agent}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=/tmp/redeploy-agent-cache
mkdir -p "$cache"
rootfs_tar="$cache/postgres-rootfs-$full-$key.tar"
base="redeploy-local/postgres-rootfs:$full-$key"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# copy_into_rootfs ROOT FILE...: each file, dereferenced, at its own path under ROOT.
copy_into_rootfs() {
  local root=$1; shift
  local f
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
  done
}

entrypoint() {
  cat <<'SH'
#!/bin/sh
# First start on an empty data directory: initdb. Then PostgreSQL itself as PID 1 (it gets the stop signal).
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "entrypoint: POSTGRES_PASSWORD must be set to initialise $PGDATA" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\" OWNER \"$user\";" | postgres --single -j -D "$PGDATA" postgres >/dev/null
  fi
  echo "entrypoint: initialised $PGDATA (user $user, database $db)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
SH
}

build_rootfs_tar() {
  local root="$work/rootfs"
  log "assembling the root file system from PostgreSQL $full in $pgroot"
  mkdir -p "$root"/{bin,etc,tmp,usr/local/bin,var/run/postgresql,var/lib/postgresql/data}
  mkdir -p "$root/usr/lib/postgresql"
  cp -a "$pgroot" "$root/usr/lib/postgresql/"
  # JIT (LLVM, 100+ MB) and SELinux are left out: without llvmjit.so the server simply never JIT-compiles.
  rm -rf "$root$pgroot/lib/llvmjit"* "$root$pgroot/lib/bitcode" "$root$pgroot/lib/sepgsql.so" "$root$pgroot/lib/pgxs"
  mkdir -p "$root/usr/share/postgresql"
  cp -a "/usr/share/postgresql/$major" "$root/usr/share/postgresql/"
  mkdir -p "$root/usr/share"
  cp -a /usr/share/zoneinfo "$root/usr/share/"
  # Every library the binaries and the server's modules load, and the dynamic loader (ldd prints it too).
  local libs
  libs=$(for f in "$root$pgroot"/bin/* "$root$pgroot"/lib/*.so; do ldd "$f" 2>/dev/null || true; done \
    | awk '/=> \//{print $3} /^\t\//{print $1}' | sort -u)
  # shellcheck disable=SC2086 # one library path per word
  copy_into_rootfs "$root" $libs
  cp "$busybox_bin" "$root/bin/busybox"
  local applet
  for applet in $("$busybox_bin" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  # initdb asks `locale -a` for the collations to import; the image has the C locale only.
  printf '#!/bin/sh\necho C\necho POSIX\n' > "$root/usr/local/bin/locale"
  chmod 0755 "$root/usr/local/bin/locale"
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:%s:%s:PostgreSQL:/var/lib/postgresql:/bin/sh\n' "$PG_UID" "$PG_GID" > "$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:%s:\n' "$PG_GID" > "$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
  entrypoint > "$root/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  chmod 1777 "$root/tmp"
  chown -R "$PG_UID:$PG_GID" "$root/var/lib/postgresql" "$root/var/run/postgresql"
  chmod 0700 "$root/var/lib/postgresql/data"
  chmod 2775 "$root/var/run/postgresql"
  tar --numeric-owner -C "$root" -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
  log "cached $rootfs_tar ($(du -h "$rootfs_tar" | cut -f1))"
}

build_base_image() {
  [ -f "$rootfs_tar" ] || build_rootfs_tar
  mkdir -p "$work/base"
  ln "$rootfs_tar" "$work/base/rootfs.tar" 2>/dev/null || cp "$rootfs_tar" "$work/base/rootfs.tar"
  cat > "$work/base/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV PATH=$pgbin:/usr/local/bin:/bin PGDATA=/var/lib/postgresql/data PG_MAJOR=$major PG_VERSION=$full TZ=UTC
USER postgres
WORKDIR /var/lib/postgresql
STOPSIGNAL SIGINT
HEALTHCHECK --interval=1s --timeout=5s --start-period=60s --retries=3 CMD ["$pgbin/pg_isready","-q","-h","127.0.0.1","-p","5432"]
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
DOCKERFILE
  log "building the base image $base"
  DOCKER_BUILDKIT=0 docker build -q -t "$base" "$work/base" >/dev/null 2>"$work/base.err" || { cat "$work/base.err" >&2; exit 1; }
}

docker image inspect "$base" >/dev/null 2>&1 || build_base_image

mkdir -p "$work/build"
cat > "$work/build/Dockerfile" <<DOCKERFILE
FROM $base
LABEL org.opencontainers.image.title=postgres org.opencontainers.image.version="$full" org.opencontainers.image.revision="$build"
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$ref" "$work/build" >/dev/null 2>"$work/build.err" || { cat "$work/build.err" >&2; exit 1; }
if [ -n "$push" ]; then docker push -q "$ref" >/dev/null; fi
echo "$ref"
