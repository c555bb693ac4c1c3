#!/usr/bin/env python3
"""One-off measurement (issue 19 part 3): Docker API requests of one idle poll, per service, for services that follow a
container (`container: NAME`, the compose-first path) and for spec services (the agent creates the containers).
5 services each, 10 triggered polls with nothing new, counted by lib.CountingDockerProxy (independent of the agent).
Run: python3 bench/docker_calls.py > bench/results/docker-calls.txt"""
import collections
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import lib  # noqa: E402

N, POLLS = 5, 10


def count(ws, yaml, http_port, dproxy):
    agent = ws.agent(yaml)
    agent.wait_for("event=poll.done", timeout=300)  # the start-up poll (creates the spec containers)
    m = agent.mark()
    agent.trigger(http_port)
    agent.wait_for("event=poll.done", since=m, timeout=60)  # a steady one
    time.sleep(1)
    dproxy.reset()
    mark = agent.mark()
    for _ in range(POLLS):
        m = agent.mark()
        agent.trigger(http_port)
        agent.wait_for("event=poll.done", since=m, timeout=60)
    polls = agent.count("event=poll.done", since=mark)
    reqs = dproxy.snapshot()
    agent.stop()
    kinds = collections.Counter()
    for _, method, path in reqs:
        path = re.sub(r"/v[\d.]+/", "/", path.split("?")[0])
        path = re.sub(r"/(containers|images)/[^/]+/json", r"/\1/{id}/json", path)
        kinds[f"{method} {path}"] += 1
    return polls, len(reqs), kinds


def main():
    ws = bench.Workspace("dcalls")
    try:
        repo = f"{ws.prefix}/web"
        ref = f"{lib.REGISTRY}/{repo}:main"
        lib.build_image(ref, 0)
        dproxy = lib.CountingDockerProxy(ws.dir)
        ws.closers.append(dproxy.close)
        host = "unix://" + dproxy.path
        # Followed: containers started by hand (as compose would), the agent told only their names.
        for i in range(N):
            subprocess.run(["docker", "run", "-d", "--name", f"{ws.prefix}-f{i}", ref], check=True,
                           stdout=subprocess.DEVNULL)
        port = lib.free_port()
        followed = "".join(f"  f{i}:\n    container: {ws.prefix}-f{i}\n" for i in range(N))
        os.makedirs(os.path.join(ws.state_dir, "f"))
        r1 = count(ws, bench.agent_yaml(os.path.join(ws.state_dir, "f"), port, "1h", followed, host), port, dproxy)
        port = lib.free_port()
        spec = "".join(bench.web_service(f"{ws.prefix}-s{i}", f"{lib.REGISTRY}/{repo}", "main", lib.free_port())
                       for i in range(N))
        os.makedirs(os.path.join(ws.state_dir, "s"))
        r2 = count(ws, bench.agent_yaml(os.path.join(ws.state_dir, "s"), port, "1h", spec, host), port, dproxy)
        print(f"# Docker API requests per idle poll, {N} services, {POLLS} triggered polls, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}, "
              f"{lib.machine()['java']}, Docker {lib.machine()['docker']}")
        for name, (polls, total, kinds) in (("followed (container: NAME)", r1), ("spec (image/tag)", r2)):
            print(f"{name}: {polls} polls, {total} requests = {total / polls:.2f} per poll, "
                  f"{total / polls / N:.2f} per service per poll")
            for k, v in kinds.most_common():
                print(f"    {v / polls:6.2f} per poll  {k}")
    finally:
        ws.close()


if __name__ == "__main__":
    main()
