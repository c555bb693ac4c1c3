"""Footprint per JDK: the unit's JVM flags on JDK 17 (the default java) and on the newest JDK under /usr/lib/jvm (Temurin
25 here), with the AppCDS archive install.sh dumps, with an AOT cache (JEP 483/514) instead, and with compact object
headers (JEP 519). Same agent, same 5 services, same measurements as the footprint benchmark:

- start-up: process launch -> the first `event=poll.done` (a steady-state poll: the containers exist);
- RSS (VmRSS) 2 s after the first poll, after an idle window (idle CPU over it), every 100 polls of 1,000 driven back
  to back through POST /v1/update, and the live heap after a full GC at polls 100 and 1,000;
- CPU per poll over the 1,000.

The AOT cache is trained the way install.sh would: one run of the agent with -XX:AOTCacheOutput=<file> (JEP 514's
one step: record and create at exit) that starts, polls 50 times and gets SIGTERM; the cache is made with the same
flags it is then used with (a cache is refused when, e.g., the object header layout differs).
Each run measures every variant once, in turn, so the machine's load spreads over all of them.
"""
import glob
import os
import re
import subprocess
import time

import lib

JDK17 = os.environ.get("BENCH_JDK17", "/usr/lib/jvm/java-17-openjdk-amd64")


def newest_jdk():
    """The JDK under /usr/lib/jvm with the highest feature release (BENCH_JDK_NEW overrides)."""
    if os.environ.get("BENCH_JDK_NEW"):
        return os.environ["BENCH_JDK_NEW"]
    best = (0, None)
    for home in glob.glob("/usr/lib/jvm/*"):
        release = os.path.join(home, "release")
        if os.path.islink(home) or not os.path.exists(release):
            continue
        m = re.search(r'JAVA_VERSION="(\d+)', open(release).read())
        if m and int(m.group(1)) > best[0]:
            best = (int(m.group(1)), home)
    return best[1]


def java_version(home):
    return subprocess.run([os.path.join(home, "bin", "java"), "-version"], capture_output=True,
                          text=True).stderr.splitlines()[1].strip()


def base_flags():
    """The unit's flags without its class-data archive (each variant adds its own)."""
    return [f for f in lib.unit_jvm_flags() if not f.startswith(("-XX:SharedArchiveFile=", "-Xshare:"))]


COH = "-XX:+UseCompactObjectHeaders"


def variants():
    new = newest_jdk()
    out = [("17, AppCDS (the unit today)", JDK17, "cds", [])]
    if new and new != JDK17:
        out += [("%s, AppCDS" % os.path.basename(new), new, "cds", []),
                ("%s, AOT cache" % os.path.basename(new), new, "aot", []),
                ("%s, AOT cache + compact headers" % os.path.basename(new), new, "aot", [COH])]
    return out


def archive_flags(ws, name, home, kind, extra, train):
    """The flags that map this variant's archive, creating it first (once per workspace)."""
    java = os.path.join(home, "bin", "java")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
    if kind == "cds":
        path = lib.cds_archive(java, os.path.join(ws.dir, slug + ".jsa"), extra)
        return ["-XX:SharedArchiveFile=" + path, "-Xshare:auto"]
    if kind == "aot":
        path = os.path.join(ws.dir, slug + ".aot")
        if not os.path.exists(path):
            train(java, base_flags() + extra + ["-XX:AOTCacheOutput=" + path])
            if not os.path.exists(path):
                raise RuntimeError("the training run wrote no AOT cache: " + path)
        return ["-XX:AOTCache=" + path]
    return []


def measure(ws, yaml, http_port, java, flags, polls, idle_s):
    launched = time.monotonic()
    agent = lib.AgentProcess(ws.dir, yaml, java=java, jvm_flags=flags)
    ws.agents.append(agent)
    try:
        _, (t_first, _) = agent.wait_for("event=poll.done", timeout=120)
        startup_ms = round((t_first - launched) * 1000)
        time.sleep(2)
        rss_start = agent.rss_kb()
        cpu0, t0 = agent.cpu_seconds(), time.monotonic()
        time.sleep(idle_s)
        idle_cpu = 100.0 * (agent.cpu_seconds() - cpu0) / (time.monotonic() - t0)
        series, heap = [], {}
        since = agent.mark()
        cpu_busy0 = agent.cpu_seconds()
        for n in range(1, polls + 1):
            agent.trigger(http_port)
            idx, _ = agent.wait_for("event=poll.done", since=since, timeout=30)
            since = idx + 1
            if n % 100 == 0:
                series.append(round(agent.rss_kb() / 1024, 1))
            if n in (100, polls):
                heap[n] = agent.live_heap_kb()
        cpu_per_poll = 1000.0 * (agent.cpu_seconds() - cpu_busy0) / polls
        time.sleep(2)
        rss_end = agent.rss_kb()
        warnings = [l for _, l in agent.lines if "warning" in l.lower() and ("CDS" in l or "AOT" in l)][:3]
        return {"startup_to_first_poll_ms": startup_ms, "rss_after_start_mb": round(rss_start / 1024, 1),
                "rss_after_1000_polls_mb": round(rss_end / 1024, 1), "rss_series_mb": series,
                "rss_growth_100_to_1000_polls_mb": round(series[-1] - series[0], 1),
                "live_heap_kb": heap, "live_heap_growth_100_to_1000_kb":
                    heap[polls]["heap_used_kb"] - heap[100]["heap_used_kb"],
                "metaspace_used_kb": heap[polls]["metaspace_used_kb"],
                "idle_cpu_percent": round(idle_cpu, 3), "cpu_ms_per_poll": round(cpu_per_poll, 2),
                "jvm_warnings": warnings}
    finally:
        agent.stop()


def bench_jdk(ws, run, services=5, polls=1000, idle_s=30):
    from bench import agent_yaml, web_service  # noqa: the shared config helpers of bench.py
    repo = f"{ws.prefix}/web"
    lib.build_image(f"{lib.REGISTRY}/{repo}:main", 0)
    http_port = lib.free_port()
    yaml = agent_yaml(ws.state_dir, http_port, "60s", "".join(
        web_service(f"{ws.prefix}-s{i}", f"{lib.REGISTRY}/{repo}", "main", lib.free_port()) for i in range(services)))
    # The first start creates the 5 containers; every measured start finds them running (steady state).
    first = ws.agent(yaml)
    deadline = time.monotonic() + 300
    while first.count("event=deploy.done") < services:
        if time.monotonic() > deadline:
            raise RuntimeError("the first start did not create the %d containers" % services)
        time.sleep(0.5)
    first.stop()

    def train(java, flags):
        agent = lib.AgentProcess(ws.dir, yaml, java=java, jvm_flags=flags)
        ws.agents.append(agent)
        since = agent.wait_for("event=poll.done", timeout=120)[0] + 1
        for _ in range(50):
            agent.trigger(http_port)
            since = agent.wait_for("event=poll.done", since=since, timeout=30)[0] + 1
        agent.stop()

    out = {"services": services, "polls": polls, "idle_window_s": idle_s, "variants": {}}
    out["machine_java"] = {home: java_version(home) for _, home, _, _ in variants()}
    for name, home, kind, extra in variants():
        flags = base_flags() + extra + archive_flags(ws, name, home, kind, extra, train)
        java = os.path.join(home, "bin", "java")
        print(f"bench: jdk {name} ...", flush=True)
        r = measure(ws, yaml, http_port, java, flags, polls, idle_s)
        r.update({"java": java_version(home), "flags": flags, "load_avg_after": os.getloadavg()})
        out["variants"][name] = r
        for key in KEYS:
            out[f"{name} | {key}"] = r[key]
    return out


KEYS = ("startup_to_first_poll_ms", "rss_after_start_mb", "rss_after_1000_polls_mb", "cpu_ms_per_poll",
        "idle_cpu_percent", "live_heap_growth_100_to_1000_kb", "metaspace_used_kb")


def headlines():
    return [(f"{name} | {key}", f"{name}: {key}", "(info)", None) for name, *_ in variants() for key in KEYS]
