#!/bin/sh
# Entry point of a swarm-lab worker (scripts/swarm-lab.sh mounts it into the node container): runs dockerd inside.
# The container is not --privileged: on a host whose capability bounding set lacks one (here CAP_SYS_RESOURCE), runc
# refuses --privileged ("unable to apply caps: operation not permitted"). So make writable what --privileged would
# have: the cgroup v1 hierarchies Docker mounts read-only (a bind mount: remount,bind,rw) and /sys.
set -e
mount -o remount,rw /sys 2>/dev/null || true
for d in /sys/fs/cgroup/*; do
  mount -o remount,bind,rw "$d" 2>/dev/null || mount -o remount,rw "$d" 2>/dev/null || true
done
mkdir -p /run/lab
exec dockerd --host "unix:///run/lab/docker.sock" --insecure-registry "$LAB_REGISTRY" --storage-driver overlay2 \
  --log-level warn
