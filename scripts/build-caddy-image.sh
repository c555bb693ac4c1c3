#!/usr/bin/env bash
# Builds a Caddy image FROM scratch out of Debian's `caddy` package (Docker Hub is not reachable from the development
# machine or CI) and pushes it. It behaves like the official caddy image where the survey stack cares:
#   - /usr/bin/caddy, on PATH; CMD `caddy run --config /etc/caddy/Caddyfile --adapter caddyfile` (no ENTRYPOINT);
#   - XDG_CONFIG_HOME=/config, XDG_DATA_HOME=/data (its local CA and certificates: mount a named volume on /data
#     so `tls internal`'s root and issued certificates survive a recreate); ports 80, 443, 443/udp;
#   - Debian's CA bundle (/etc/ssl/certs/ca-certificates.crt) for ACME and HTTPS upstreams, /etc/mime.types.
# No VOLUME instruction (an anonymous volume at every recreate otherwise), no shell: exec into it with `caddy ...`.
# The package is only downloaded and unpacked (`apt-get download`), never installed: installing it would start a
# caddy service on the host's port 80.
#
# Usage: scripts/build-caddy-image.sh [IMAGE:TAG] [--no-push]
#   IMAGE:TAG defaults to 127.0.0.1:5000/survey/caddy:2 (the local registry of scripts/dev-stack.sh).
#   The image is labelled org.opencontainers.image.version=<caddy's version> (e.g. 2.6.2).
set -euo pipefail

usage() { echo "usage: $0 [IMAGE:TAG] [--no-push]" >&2; exit 2; }
ref=127.0.0.1:5000/survey/caddy:2
push=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-push) push="" ;;
    -*) echo "unknown argument $1" >&2; usage ;;
    *) ref=$1 ;;
  esac
  shift
done

log() { echo "build-caddy-image: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

[ -f /etc/ssl/certs/ca-certificates.crt ] || {
  log "installing ca-certificates"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The package's binary: the installed one when the package is installed, else the .deb unpacked here.
if dpkg-query -W -f='${Status}' caddy 2>/dev/null | grep -q "install ok installed"; then
  caddy_bin=/usr/bin/caddy
else
  log "downloading Debian's caddy package (not installing it)"
  (cd "$work" && apt-get download caddy >/dev/null 2>"$work/download.err") || {
    # An empty package list (a fresh machine) finds nothing: refresh it once.
    as_root apt-get update -qq
    (cd "$work" && apt-get download caddy >/dev/null 2>"$work/download.err") || { cat "$work/download.err" >&2; exit 1; }
  }
  dpkg-deb -x "$work"/caddy_*.deb "$work/pkg"
  caddy_bin="$work/pkg/usr/bin/caddy"
fi
# "v2.6.2" (Debian builds print no module hash) -> 2.6.2
version=$("$caddy_bin" version | awk '{print $1}' | sed 's/^v//')
log "caddy $version from $caddy_bin"

root="$work/rootfs"
mkdir -p "$root"/{usr/bin,etc/caddy,etc/ssl/certs,config,data,srv,tmp}
cp "$caddy_bin" "$root/usr/bin/caddy"
# Debian's build is dynamically linked (cgo: libc, libzstd): every library ldd reports, and the dynamic loader.
libs=$(ldd "$caddy_bin" | awk '/=> \//{print $3} /^\t\//{print $1}' | sort -u)
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/mime.types ] && cp /etc/mime.types "$root/etc/mime.types"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
# The default configuration answers on :80 only; mount deploy/caddy/Caddyfile (or your own) over it.
printf ':80 {\n\trespond "caddy %s from Debian" 200\n}\n' "$version" > "$root/etc/caddy/Caddyfile"
chmod 1777 "$root/tmp"
tar --numeric-owner -C "$root" -cf "$work/rootfs.tar" .

cat > "$work/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data HOME=/root PATH=/usr/bin
LABEL org.opencontainers.image.title=caddy org.opencontainers.image.version="$version" \
      org.opencontainers.image.description="Caddy from Debian's caddy package, FROM scratch"
WORKDIR /srv
EXPOSE 80 443 443/udp 2019
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$ref" "$work" >/dev/null 2>"$work/build.err" || { cat "$work/build.err" >&2; exit 1; }
if [ -n "$push" ]; then docker push -q "$ref" >/dev/null; fi
echo "$ref"
