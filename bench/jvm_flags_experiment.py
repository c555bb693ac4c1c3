#!/usr/bin/env python3
"""One-off experiment: start-up and RSS with the unit's JVM flags vs AppCDS and a 32 MB heap (3 runs each).
Run: python3 bench/jvm_flags_experiment.py > bench/results/jvm-flags-experiment.txt"""
import os, sys, time, subprocess, statistics
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib, bench
ws = bench.Workspace("jvmx")
try:
    repo = f"{ws.prefix}/web"
    lib.build_image(f"{lib.REGISTRY}/{repo}:main", 0)
    port = lib.free_port()
    yaml = bench.agent_yaml(ws.state_dir, port, "60s", bench.web_service(f"{ws.prefix}-web", f"{lib.REGISTRY}/{repo}", "main", lib.free_port()))
    base = lib.unit_jvm_flags()
    jsa = os.path.join(ws.dir, "app.jsa")
    def run(flags, polls=300, stop_wait=True):
        orig = lib.unit_jvm_flags
        lib.unit_jvm_flags = lambda: flags
        t = time.monotonic()
        a = ws.agent(yaml)
        lib.unit_jvm_flags = orig
        a.wait_for("event=poll.done", timeout=120)
        _, (tp, _) = a.wait_for("event=poll.done", timeout=120)
        st = round((tp - t) * 1000)
        time.sleep(2)
        r0 = a.rss_kb()
        since = a.mark()
        for _ in range(polls):
            a.trigger(port)
            i, _ = a.wait_for("event=poll.done", since=since); since = i + 1
        time.sleep(1)
        r1 = a.rss_kb()
        a.stop()
        return st, round(r0/1024,1), round(r1/1024,1)
    run(base, polls=0)  # creates the container
    run(base + ["-XX:ArchiveClassesAtExit=" + jsa], polls=50)
    variants = {"unit flags": base,
                "unit flags + AppCDS": base + ["-XX:SharedArchiveFile=" + jsa],
                "unit flags, -Xmx32m -XX:ReservedCodeCacheSize=16m": [f for f in base if not f.startswith("-Xmx")] + ["-Xmx32m", "-XX:ReservedCodeCacheSize=16m"],
                "both": [f for f in base if not f.startswith("-Xmx")] + ["-Xmx32m", "-XX:ReservedCodeCacheSize=16m", "-XX:SharedArchiveFile=" + jsa]}
    for name, flags in variants.items():
        res = [run(flags) for _ in range(3)]
        print(name, "| startup_ms", statistics.median(r[0] for r in res), "| rss_start_mb", statistics.median(r[1] for r in res),
              "| rss_after_300_polls_mb", statistics.median(r[2] for r in res), "| runs", res, flush=True)
finally:
    ws.close()
