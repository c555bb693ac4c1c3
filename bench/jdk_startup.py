#!/usr/bin/env python3
"""Start-up only, interleaved (17 AppCDS, 25 AOT cache, 25 AOT cache + compact headers, in rotation, N rounds): the
jdk benchmark runs its variants in a fixed order, so a falling load favours the later ones; this one rotates.
Run: python3 bench/jdk_startup.py [ROUNDS] > bench/results/jdk-startup.txt"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import jdk  # noqa: E402
import lib  # noqa: E402


def main(rounds):
    ws = bench.Workspace("jdks")
    try:
        repo = f"{ws.prefix}/web"
        lib.build_image(f"{lib.REGISTRY}/{repo}:main", 0)
        port = lib.free_port()
        yaml = bench.agent_yaml(ws.state_dir, port, "60s", "".join(
            bench.web_service(f"{ws.prefix}-s{i}", f"{lib.REGISTRY}/{repo}", "main", lib.free_port()) for i in range(5)))
        first = ws.agent(yaml)
        while first.count("event=deploy.done") < 5:
            time.sleep(0.5)
        first.stop()

        def train(java, flags):
            a = lib.AgentProcess(ws.dir, yaml, java=java, jvm_flags=flags)
            ws.agents.append(a)
            since = a.wait_for("event=poll.done", timeout=120)[0] + 1
            for _ in range(50):
                a.trigger(port)
                since = a.wait_for("event=poll.done", since=since, timeout=30)[0] + 1
            a.stop()

        chosen = [v for v in jdk.variants() if "AppCDS" not in v[0] or v[1] == jdk.JDK17]
        setups = [(n, os.path.join(h, "bin", "java"), jdk.base_flags() + e + jdk.archive_flags(ws, n, h, k, e, train))
                  for n, h, k, e in chosen]
        out = {n: [] for n, _, _ in setups}
        for r in range(rounds):
            order = setups[r % len(setups):] + setups[:r % len(setups)]
            for n, java, flags in order:
                t = time.monotonic()
                a = lib.AgentProcess(ws.dir, yaml, java=java, jvm_flags=flags)
                ws.agents.append(a)
                _, (tp, _) = a.wait_for("event=poll.done", timeout=120)
                time.sleep(2)
                out[n].append((round((tp - t) * 1000), round(a.rss_kb() / 1024, 1), round(os.getloadavg()[0], 1)))
                a.stop()
        print(f"# start-up to first poll (ms), RSS 2 s later (MB), load; 5 services, {rounds} rounds in rotation, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        for n, vals in out.items():
            print(f"{n}: start-up median {statistics.median(v[0] for v in vals)} ms, RSS median "
                  f"{statistics.median(v[1] for v in vals)} MB; runs {vals}")
    finally:
        ws.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
