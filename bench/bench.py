#!/usr/bin/env python3
"""redeploy-agent benchmarks against the real local stack. Usage: bench/bench.py NAME [--runs N]

NAME: cost | latency | downtime | footprint | scale | summary. Each benchmark runs N times (default 3),
writes bench/results/NAME.json (every run, the median of each figure, the command and the machine) and
regenerates bench/results/SUMMARY.md. See bench/README.md.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

RESULTS = os.path.join(lib.ROOT, "bench", "results")

# A busybox httpd behind a shell that exits on SIGTERM, like a real app: busybox httpd as PID 1 ignores
# SIGTERM, so every stop would otherwise wait for the full stop_timeout and measure the image, not the agent.
APP_COMMAND = '["/bin/busybox", "sh", "-c", "trap \'exit 0\' TERM; httpd -f -p 8080 -h /www & wait"]'


def web_service(name, image, tag, host_port, mode="auto"):
    return f"""  {name}:
    image: {image}
    tag: {tag}
    container_name: {name}
    mode: {mode}
    ports: ["127.0.0.1:{host_port}:8080"]
    command: {APP_COMMAND}
    health: {{ type: http, port: 8080, path: /, timeout: 30s, interval: 100ms }}
    stop_timeout: 5s
"""


def agent_yaml(state_dir, http_port, interval, services, docker_host=None, registries=""):
    docker = f"docker: {{ host: \"{docker_host}\" }}\n" if docker_host else ""
    return (f"state_dir: {state_dir}\nschedule: {{ interval: {interval} }}\n"
            f"http: {{ listen: \"127.0.0.1:{http_port}\", trigger_token_env: REDEPLOY_TRIGGER_TOKEN }}\n"
            f"{docker}{registries}services:\n{services}")


class Workspace:
    """A temp dir, a unique prefix, and cleanup of what the run created."""

    def __init__(self, area):
        self.prefix = lib.rand_prefix(area)
        self.dir = tempfile.mkdtemp(prefix=self.prefix + "-", dir="/tmp")
        self.state_dir = os.path.join(self.dir, "state")
        os.makedirs(self.state_dir)
        self.agents = []
        self.closers = []

    def agent(self, yaml, extra_env=None):
        a = lib.AgentProcess(self.dir, yaml, extra_env)
        self.agents.append(a)
        return a

    def close(self):
        for a in self.agents:
            a.stop()
        for c in self.closers:
            c()
        lib.remove_service_containers(self.prefix)
        lib.remove_images(self.prefix)
        keep = os.environ.get("BENCH_KEEP_LOGS")
        if keep:
            print("bench: logs kept in", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# 1. Registry cost per poll, steady state.

def cost_phase(upstream, auth):
    """Steady-state cost against one registry: anonymous (:5000) or htpasswd Basic auth (:5001)."""
    ws = Workspace("cost")
    try:
        proxy = lib.CountingRegistryProxy(upstream)
        ws.closers.append(proxy.close)
        dproxy = lib.CountingDockerProxy(ws.dir)
        ws.closers.append(dproxy.close)
        tags = ["a", "b", "c"]
        repo = f"{ws.prefix}/web"
        for t in tags:
            lib.build_image(f"{upstream}/{repo}:{t}", f"{t}1")
        services = "".join(web_service(f"{ws.prefix}-{t}", f"{proxy.host}/{repo}", t, lib.free_port()) for t in tags)
        registries, env = "", None
        if auth:
            registries = (f"registries:\n  \"{proxy.host}\": {{ username: tester, password_env: BENCH_REGISTRY_PASSWORD,"
                          f" insecure: true }}\n")
            env = {"BENCH_REGISTRY_PASSWORD": "tester-secret"}
        agent = ws.agent(agent_yaml(ws.state_dir, lib.free_port(), "1s", services, "unix://" + dproxy.path, registries), env)
        # First polls create the containers; wait for a poll that changes nothing.
        agent.wait_for("changed=0", timeout=120)
        idx, _ = agent.wait_for("event=poll.done", since=agent.mark(), timeout=30)
        proxy.reset()
        dproxy.reset()
        polls = 10
        since = idx + 1
        for _ in range(polls):
            idx, _ = agent.wait_for("event=poll.done", since=since, timeout=30)
            since = idx + 1
        requests = proxy.snapshot()
        reg = lib.classify_registry(requests)
        reg["status_401"] = sum(1 for r in requests if r[3] == 401)
        dock = lib.classify_docker(dproxy.snapshot())
        return {"registry_upstream": upstream, "auth": "basic" if auth else "anonymous", "polls": polls,
                "tags": len(tags), "registry": reg, "docker": dock,
                "registry_requests_per_tag_per_poll": reg["total"] / (polls * len(tags)),
                "manifest_heads_per_tag_per_poll": reg["manifest_head"] / (polls * len(tags)),
                "token_requests": reg["token"], "pulls": reg["blob"] + reg["manifest_get"],
                "docker_writes": dock["writes"], "docker_reads_per_tag_per_poll": dock["reads"] / (polls * len(tags))}
    finally:
        ws.close()


def bench_cost(run):
    result = cost_phase(lib.REGISTRY, auth=False)
    basic = cost_phase("127.0.0.1:5001", auth=True)
    result["basic_auth"] = basic
    result["basic_auth_requests_per_tag_per_poll"] = basic["registry_requests_per_tag_per_poll"]
    result["basic_auth_401s"] = basic["registry"]["status_401"]
    return result


# --------------------------------------------------------------------------------------------------
# 2. Detection-to-healthy latency: push finished -> new build answers.

def latency_series(ws, path, deploys):
    repo = f"{ws.prefix}-{path}/web"
    ref = f"{lib.REGISTRY}/{repo}:main"
    app_port, http_port = lib.free_port(), lib.free_port()
    name = f"{ws.prefix}-{path}"
    interval = "1h" if path == "trigger" else "5s"
    lib.build_image(ref, 0)
    agent = ws.agent(agent_yaml(os.path.join(ws.state_dir, path), http_port, interval,
                                web_service(name, f"{lib.REGISTRY}/{repo}", "main", app_port)))
    url = f"http://127.0.0.1:{app_port}/"
    lib.wait_http(url, "build=0", timeout=120)
    samples, agent_deploy_ms = [], []
    for i in range(1, deploys + 1):
        lib.build_image(ref, i, push=False)
        mark = agent.mark()
        lib.push(ref)
        t0 = time.monotonic()
        if path == "trigger":
            agent.trigger(http_port)
        t1 = lib.wait_http(url, f"build={i}", timeout=60)
        samples.append(round((t1 - t0) * 1000))
        _, (_, done) = agent.wait_for("event=deploy.done", since=mark, timeout=60)
        agent_deploy_ms.append(lib.duration_ms(done))
        time.sleep(0.3)
    agent.stop()
    return {"samples_ms": samples, "p50_ms": lib.pct(samples, 50), "p95_ms": lib.pct(samples, 95),
            "agent_deploy_duration_ms_p50": lib.pct(agent_deploy_ms, 50), "interval": interval}


def bench_latency(run, deploys=10):
    ws = Workspace("lat")
    try:
        os.makedirs(os.path.join(ws.state_dir, "trigger"))
        os.makedirs(os.path.join(ws.state_dir, "poll"))
        trigger = latency_series(ws, "trigger", deploys)
        poll = latency_series(ws, "poll", deploys)
        return {"deploys_per_path": deploys, "trigger": trigger, "poll": poll,
                "trigger_p50_ms": trigger["p50_ms"], "trigger_p95_ms": trigger["p95_ms"],
                "poll_p50_ms": poll["p50_ms"], "poll_p95_ms": poll["p95_ms"]}
    finally:
        ws.close()


# --------------------------------------------------------------------------------------------------
# 3. Downtime during a redeploy: probe every 20 ms.

class Prober:
    def __init__(self, url, every=0.02):
        self.url, self.every = url, every
        self.samples = []  # (start time, ok)
        self.errors = []  # (start time, error text) of failed probes
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopped:
            t = time.monotonic()
            status, body = lib.http_get(self.url, timeout=1.0)
            self.samples.append((t, status == 200))
            if status != 200:
                self.errors.append((t, body))
            left = self.every - (time.monotonic() - t)
            if left > 0:
                time.sleep(left)

    def stop(self):
        self.stopped = True
        self.thread.join()

    def outages(self):
        """Each run of failed probes: (count, ms from the first failed probe to the next good one)."""
        runs, start, count = [], None, 0
        for t, ok in self.samples:
            if not ok:
                if start is None:
                    start, count = t, 0
                count += 1
            elif start is not None:
                runs.append((count, round((t - start) * 1000)))
                start = None
        if start is not None:
            runs.append((count, round((self.samples[-1][0] - start) * 1000)))
        return runs


def engine_steps(requests):
    """Median time of each Docker call of the swap, from the request lines' timestamps: a call ends when the
    agent sends its next request (the swap runs its calls one after the other)."""
    steps = {"stop": [], "rename": [], "create": [], "start": []}
    for i, (t, method, path) in enumerate(requests[:-1]):
        if method != "POST":
            continue
        for step in steps:
            if path.split("?")[0].endswith("/" + step):
                steps[step].append(round((requests[i + 1][0] - t) * 1000))
    return {k: lib.median(v) for k, v in steps.items()}


def proxied_service(name, image, tag, listen_port):
    """start-first behind the agent's own port: the agent listens on listen_port, the container on an ephemeral one."""
    return f"""  {name}:
    image: {image}
    tag: {tag}
    container_name: {name}
    strategy: start-first
    proxy: {{ listen: "127.0.0.1:{listen_port}", container_port: 8080, drain: 5s }}
    command: {APP_COMMAND}
    health: {{ type: http, port: 8080, path: /, timeout: 30s, interval: 100ms }}
    stop_timeout: 5s
"""


def downtime_series(ws, mode, redeploys):
    """10 redeploys under a probe every 20 ms; mode is stop-first (published port) or proxy (the agent's port)."""
    repo = f"{ws.prefix}-{mode}/web"
    ref = f"{lib.REGISTRY}/{repo}:main"
    app_port, http_port = lib.free_port(), lib.free_port()
    lib.build_image(ref, 0)
    dproxy = lib.CountingDockerProxy(ws.dir, name=f"docker-{mode}.sock")
    ws.closers.append(dproxy.close)
    make = web_service if mode == "stop-first" else proxied_service
    state_dir = os.path.join(ws.state_dir, mode)
    os.makedirs(state_dir)
    agent = ws.agent(agent_yaml(state_dir, http_port, "1h",
                                make(f"{ws.prefix}-{mode}", f"{lib.REGISTRY}/{repo}", "main", app_port),
                                "unix://" + dproxy.path))
    url = f"http://127.0.0.1:{app_port}/"
    lib.wait_http(url, "build=0", timeout=120)
    # Build and push every build first under its own tag (docker build is CPU-heavy); during the probe
    # window the tag `main` is only moved to build i with one manifest PUT.
    for i in range(1, redeploys + 1):
        lib.build_image(f"{lib.REGISTRY}/{repo}:b{i}", i)
    prober = Prober(url)
    time.sleep(1)
    dproxy.reset()
    deploys = []
    for i in range(1, redeploys + 1):
        put_tags(repo, f"b{i}", ["main"])
        mark = agent.mark()
        agent.trigger(http_port)
        _, (_, done) = agent.wait_for("event=deploy.done", since=mark, timeout=60)
        deploys.append(lib.duration_ms(done))
        lib.wait_http(url, f"build={i}", timeout=30)
        time.sleep(0.5)
    prober.stop()
    agent.stop()
    outages = prober.outages()
    # Each failed probe with the agent's last event line before it, to tell a switch from a stop or a start.
    failures = []
    for t, error in prober.errors[:20]:
        before = [line for lt, line in agent.lines if lt <= t and "event=" in line]
        failures.append({"error": error[:200], "last_event": before[-1][-200:] if before else None})
    return {"mode": mode, "redeploys": redeploys, "probes": len(prober.samples),
            "failed_probes": sum(1 for _, ok in prober.samples if not ok),
            "outages": [{"failed_probes": c, "ms": ms} for c, ms in outages],
            "longest_outage_ms": max((ms for _, ms in outages), default=0),
            "longest_failed_run_probes": max((c for c, _ in outages), default=0),
            "agent_deploy_duration_ms": deploys, "stop_timeout": "5s (app exits on SIGTERM)",
            "engine_steps_ms_median": engine_steps(dproxy.snapshot()), "failures": failures}


def bench_downtime(run, redeploys=10):
    ws = Workspace("down")
    try:
        result = downtime_series(ws, "stop-first", redeploys)
        proxy = downtime_series(ws, "proxy", redeploys)
        result["proxy"] = proxy
        for key in ("failed_probes", "longest_outage_ms", "longest_failed_run_probes", "probes"):
            result["proxy_" + key] = proxy[key]
        return result
    finally:
        ws.close()


# --------------------------------------------------------------------------------------------------
# 4. Footprint: RSS, start-up, idle CPU, 1,000 polls.

def bench_footprint(run, polls=1000, idle_s=60):
    ws = Workspace("foot")
    try:
        repo = f"{ws.prefix}/web"
        lib.build_image(f"{lib.REGISTRY}/{repo}:main", 0)
        http_port = lib.free_port()
        agent = ws.agent(agent_yaml(ws.state_dir, http_port, "60s",
                                    web_service(f"{ws.prefix}-web", f"{lib.REGISTRY}/{repo}", "main", lib.free_port())))
        # First start of the service: the first poll creates the container. Start-up is measured on the second
        # start of the agent below, where the first poll is a plain steady-state poll.
        agent.wait_for("event=deploy.done", timeout=120)
        agent.stop()
        launched = time.monotonic()
        agent = ws.agent(agent_yaml(ws.state_dir, http_port, "60s",
                                    web_service(f"{ws.prefix}-web", f"{lib.REGISTRY}/{repo}", "main", lib.free_port())))
        _, (t_started, _) = agent.wait_for("event=agent.started", timeout=60)
        idx, (t_first, _) = agent.wait_for("event=poll.done", timeout=60)
        startup_ms = round((t_first - launched) * 1000)
        time.sleep(2)
        rss_start = agent.rss_kb()
        cpu0, t0 = agent.cpu_seconds(), time.monotonic()
        time.sleep(idle_s)
        cpu1, t1 = agent.cpu_seconds(), time.monotonic()
        idle_cpu_pct = 100.0 * (cpu1 - cpu0) / (t1 - t0)
        rss_after_idle = agent.rss_kb()
        series, heap = [], {}
        since = agent.mark()
        busy0 = time.monotonic()
        cpu_busy0 = agent.cpu_seconds()
        for n in range(1, polls + 1):
            agent.trigger(http_port)
            idx, _ = agent.wait_for("event=poll.done", since=since, timeout=30)
            since = idx + 1
            if n % 100 == 0:
                series.append({"polls": n, "rss_kb": agent.rss_kb()})
            if n in (100, polls):
                heap[n] = agent.live_heap_kb()
        busy_s = time.monotonic() - busy0
        cpu_per_poll_ms = 1000.0 * (agent.cpu_seconds() - cpu_busy0) / polls
        time.sleep(2)
        rss_end = agent.rss_kb()
        return {"jvm_flags": lib.unit_jvm_flags(), "startup_to_first_poll_ms": startup_ms,
                "startup_to_agent_started_ms": round((t_started - launched) * 1000),
                "rss_after_start_mb": round(rss_start / 1024, 1), "rss_after_idle_mb": round(rss_after_idle / 1024, 1),
                "rss_after_1000_polls_mb": round(rss_end / 1024, 1),
                "rss_growth_100_to_1000_polls_mb": round((series[-1]["rss_kb"] - series[0]["rss_kb"]) / 1024, 1),
                "rss_series": series, "live_heap_after_gc": heap,
                "live_heap_growth_100_to_1000_polls_kb": heap[polls]["heap_used_kb"] - heap[100]["heap_used_kb"],
                "idle_cpu_percent": round(idle_cpu_pct, 3), "idle_window_s": idle_s,
                "idle_interval": "60s, 1 service", "polls": polls, "polls_wall_s": round(busy_s, 1),
                "cpu_ms_per_poll": round(cpu_per_poll_ms, 2)}
    finally:
        ws.close()


# --------------------------------------------------------------------------------------------------
# 5. Scale: 500 tags in one registry.

def put_tags(repo, source_tag, tags):
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    req = urllib.request.Request(f"http://{lib.REGISTRY}/v2/{repo}/manifests/{source_tag}", headers={"Accept": accept})
    with urllib.request.urlopen(req) as r:
        body, ctype = r.read(), r.headers["Content-Type"]

    def put(chunk):
        for t in chunk:
            rq = urllib.request.Request(f"http://{lib.REGISTRY}/v2/{repo}/manifests/{t}", data=body, method="PUT",
                                        headers={"Content-Type": ctype})
            urllib.request.urlopen(rq).close()

    threads = [threading.Thread(target=put, args=(tags[i::8],)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]


def bench_scale(run, n=500, cycles=3):
    ws = Workspace("scale")
    try:
        proxy = lib.CountingRegistryProxy()
        ws.closers.append(proxy.close)
        dproxy = lib.CountingDockerProxy(ws.dir)
        ws.closers.append(dproxy.close)
        repo = f"{ws.prefix}/app"
        lib.build_image(f"{lib.REGISTRY}/{repo}:base", 0)
        tags = ["t%03d" % i for i in range(n)]
        t = time.monotonic()
        put_tags(repo, "base", tags)
        tag_s = time.monotonic() - t
        services = "".join(f"  {ws.prefix}-s{i:03d}:\n    image: {proxy.host}/{repo}\n    tag: {tag}\n"
                           f"    container_name: {ws.prefix}-c{i:03d}\n    mode: monitor\n"
                           for i, tag in enumerate(tags))
        http_port = lib.free_port()
        yaml = agent_yaml(ws.state_dir, http_port, "1h", services, "unix://" + dproxy.path)
        cfg = os.path.join(ws.dir, "check.yml")
        open(cfg, "w").write(yaml)
        t = time.monotonic()
        check = subprocess.run(["java"] + lib.unit_jvm_flags() + ["-jar", lib.JAR, "--config", cfg, "--check"],
                               capture_output=True, text=True, env=dict(os.environ, REDEPLOY_TRIGGER_TOKEN=lib.TOKEN))
        check_ms = round((time.monotonic() - t) * 1000)
        if check.returncode != 0:
            raise RuntimeError("--check refused the 500-service config: " + check.stdout + check.stderr)
        agent = ws.agent(yaml)
        idx, (_, first) = agent.wait_for("event=poll.done", timeout=300)
        results = [{"cycle": 0, "duration_ms": lib.duration_ms(first), "note": "first poll after start"}]
        for c in range(1, cycles + 1):
            proxy.reset()
            dproxy.reset()
            mark = agent.mark()
            agent.trigger(http_port)
            _, (_, line) = agent.wait_for("event=poll.done", since=mark, timeout=300)
            reg = lib.classify_registry(proxy.snapshot())
            dock = lib.classify_docker(dproxy.snapshot())
            results.append({"cycle": c, "duration_ms": lib.duration_ms(line), "registry_heads": reg["manifest_head"],
                            "registry_total": reg["total"], "docker_reads": dock["reads"], "docker_writes": dock["writes"]})
        steady = [r for r in results if r["cycle"] > 0]
        return {"tags": n, "concurrency": 8, "tagging_s": round(tag_s, 1), "check_ms": check_ms, "cycles": results,
                "cycle_ms_median": lib.median([r["duration_ms"] for r in steady]),
                "registry_requests_per_cycle_max": max(r["registry_total"] for r in steady),
                "heads_per_cycle_max": max(r["registry_heads"] for r in steady),
                "rss_mb": round(agent.rss_kb() / 1024, 1)}
    finally:
        ws.close()


def bench_baseline(run):
    import baseline
    ws = Workspace("base")
    try:
        return baseline.bench_baseline(ws, run)
    finally:
        ws.close()


def bench_jdk(run):
    import jdk
    ws = Workspace("jdk")
    try:
        return jdk.bench_jdk(ws, run)
    finally:
        ws.close()


BENCHES = {"cost": bench_cost, "latency": bench_latency, "downtime": bench_downtime,
           "footprint": bench_footprint, "scale": bench_scale, "baseline": bench_baseline, "jdk": bench_jdk}

# Headline figures per benchmark: (key, label, target text, check).
HEADLINES = {
    "cost": [("registry_requests_per_tag_per_poll", "registry requests per tag per poll", "exactly 1", lambda v: v == 1),
             ("manifest_heads_per_tag_per_poll", "HEAD manifest per tag per poll", "1", lambda v: v == 1),
             ("token_requests", "token requests (10 polls)", "0", lambda v: v == 0),
             ("pulls", "pulls (manifest GET + blobs)", "0", lambda v: v == 0),
             ("docker_writes", "Docker API writes (10 polls)", "0", lambda v: v == 0),
             ("docker_reads_per_tag_per_poll", "Docker API reads per tag per poll", "(info)", None),
             ("basic_auth_requests_per_tag_per_poll", "Basic-auth registry (:5001): requests per tag per poll",
              "exactly 1", lambda v: v == 1),
             ("basic_auth_401s", "Basic-auth registry: 401 answers (10 polls)", "0", lambda v: v == 0)],
    "latency": [("trigger_p50_ms", "trigger path p50 (ms)", "< 3000", lambda v: v < 3000),
                ("trigger_p95_ms", "trigger path p95 (ms)", "(info)", None),
                ("poll_p50_ms", "poll path, interval 5 s, p50 (ms)", "<= 8000", lambda v: v <= 8000),
                ("poll_p95_ms", "poll path, interval 5 s, p95 (ms)", "<= 8000", lambda v: v <= 8000)],
    "downtime": [("longest_outage_ms", "longest outage, stop-then-start (ms)", "< 1500", lambda v: v < 1500),
                 ("longest_failed_run_probes", "longest run of failed 20 ms probes", "(info)", None),
                 ("failed_probes", "failed probes over 10 redeploys", "(info)", None),
                 ("proxy_failed_probes", "start-first behind the agent's port (proxy): failed probes over 10 redeploys",
                  "0", lambda v: v == 0),
                 ("proxy_longest_outage_ms", "proxy: longest outage (ms)", "0", lambda v: v == 0),
                 ("proxy_probes", "proxy: probes sent", "(info)", None)],
    "footprint": [("rss_after_start_mb", "RSS after start (MB)", "< 96", lambda v: v < 96),
                  ("rss_after_1000_polls_mb", "RSS after 1,000 polls (MB)", "< 96", lambda v: v < 96),
                  ("rss_growth_100_to_1000_polls_mb", "RSS growth, poll 100 -> 1,000 (MB)", "(info)", None),
                  ("live_heap_growth_100_to_1000_polls_kb", "live heap after full GC, growth poll 100 -> 1,000 (KB)",
                   "no growth", lambda v: v <= 512),
                  ("startup_to_first_poll_ms", "start-up to first poll done (ms)", "< 1500", lambda v: v < 1500),
                  ("idle_cpu_percent", "idle CPU (% of one core)", "(info)", None),
                  ("cpu_ms_per_poll", "CPU per steady-state poll (ms)", "(info)", None)],
    "baseline": [("cron_registry_requests_per_check", "cron: registry requests per check, nothing new", "(info)", None),
                 ("agent_registry_requests_per_check", "agent: registry requests per check, nothing new", "(info)", None),
                 ("cron_token_requests_per_check", "cron: token requests per check", "(info)", None),
                 ("agent_token_requests_per_check", "agent: token requests per check", "(info)", None),
                 ("cron_push_to_serving_ms_median", "cron: push to new build serving (ms)", "(info)", None),
                 ("agent_push_to_serving_ms_median", "agent: push to new build serving (ms)", "(info)", None),
                 ("cron_outage_ms_median", "cron: outage per deploy, median (ms)", "(info)", None),
                 ("agent_outage_ms_median", "agent: outage per deploy, median (ms)", "(info)", None),
                 ("cron_outage_ms_max", "cron: outage per deploy, max (ms)", "(info)", None),
                 ("agent_outage_ms_max", "agent: outage per deploy, max (ms)", "(info)", None),
                 ("cron_broken_serving", "cron: serving after a broken build", "(info)", None),
                 ("agent_broken_serving", "agent: serving after a broken build", "(info)", None),
                 ("cron_broken_outage_ms", "cron: outage after a broken build (ms, 95 s window)", "(info)", None),
                 ("agent_broken_outage_ms", "agent: outage after a broken build (ms)", "(info)", None),
                 ("cron_images_left", "cron: images of the app left after the deploys", "(info)", None),
                 ("agent_images_left", "agent: images of the app left after the deploys", "(info)", None),
                 ("cron_disk_beyond_base_mb", "cron: disk they hold beyond the base image (MB)", "(info)", None),
                 ("agent_disk_beyond_base_mb", "agent: disk they hold beyond the base image (MB)", "(info)", None),
                 ("cron_cpu_ms_per_idle_check", "cron: client CPU per idle check (ms)", "(info)", None),
                 ("agent_cpu_ms_per_idle_check", "agent: CPU per idle poll (ms)", "(info)", None)],
    "scale": [("cycle_ms_median", "full poll cycle, 500 tags (ms)", "< 5000", lambda v: v < 5000),
              ("heads_per_cycle_max", "HEAD requests per cycle (max)", "<= 500", lambda v: v <= 500),
              ("registry_requests_per_cycle_max", "registry requests per cycle (max)", "<= 500", lambda v: v <= 500),
              ("check_ms", "--check of the 500-service config (ms)", "(info)", None)],
}


def _jdk_headlines():
    import jdk
    return jdk.headlines()


HEADLINES["jdk"] = _jdk_headlines()


def run_bench(name, runs):
    fn = BENCHES[name]
    all_runs = []
    for r in range(1, runs + 1):
        t = time.monotonic()
        print(f"bench: {name} run {r}/{runs} ...", flush=True)
        load_before = os.getloadavg()
        result = fn(r)
        result["run_wall_s"] = round(time.monotonic() - t, 1)
        # The machine is shared: the load average says how much the time-based figures can be trusted.
        result["load_avg_before"], result["load_avg_after"] = load_before, os.getloadavg()
        all_runs.append(result)
        print(f"bench: {name} run {r}: " + ", ".join(f"{k}={result.get(k)}" for k, *_ in HEADLINES[name]), flush=True)
    medians = {k: lib.median([r[k] for r in all_runs if r.get(k) is not None]) for k, *_ in HEADLINES[name]}
    doc = {"benchmark": name, "command": f"bench/run.sh {name}", "date": datetime.datetime.utcnow().isoformat() + "Z",
           "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=lib.ROOT, capture_output=True,
                                 text=True).stdout.strip(),
           "machine": lib.machine(), "runs": len(all_runs), "median": medians, "per_run": all_runs}
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2)
    write_summary()


def fmt(v):
    return ("%.2f" % v).rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def write_summary():
    lines = ["# Benchmark results", "",
             "Generated by `bench/run.sh` (see [bench/README.md](../README.md)). Each figure is the median of the runs;",
             "the per-run values are in the JSON file next to this one.", ""]
    machine = None
    for name in BENCHES:
        path = os.path.join(RESULTS, name + ".json")
        if not os.path.exists(path):
            continue
        doc = json.load(open(path))
        machine = machine or doc["machine"]
        lines += [f"## {name}", "", f"`{doc['command']}` · {doc['runs']} runs · {doc['date'][:16]}Z · commit {doc['git']}",
                  "", "| figure | median | per run | target | |", "|---|---|---|---|---|"]
        for key, label, target, check in HEADLINES[name]:
            med = doc["median"].get(key)
            per = ", ".join(fmt(r.get(key)) for r in doc["per_run"])
            verdict = "" if check is None or med is None else ("met" if check(med) else "**missed**")
            lines.append(f"| {label} | {fmt(med)} | {per} | {target} | {verdict} |")
        lines.append("")
    if machine:
        lines += ["## Machine", "", "```", json.dumps(machine, indent=2), "```", ""]
    with open(os.path.join(RESULTS, "SUMMARY.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=list(BENCHES) + ["summary"])
    p.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    a = p.parse_args()
    if a.name == "summary":
        write_summary()
    else:
        run_bench(a.name, a.runs)


if __name__ == "__main__":
    main()
