"""The baseline teams start from (bench/baseline/cron-deploy.sh) side by side with the agent, on the survey stack.

One build series is made first: build i = the survey app image (scripts/build-survey-image.sh --from-jar, the
registry's survey/survey-app:main) plus a new app layer (the jar copied again, --no-cache, ~ what a CI build
changes), pushed as <repo>:b<i> and removed locally, so every deploy pulls it as a server would. A deploy moves
<repo>:main to b<i> with one manifest PUT. Each side gets its own compose project from the repository's
docker-compose.yml (survey app + PostgreSQL 15 from scripts/build-postgres-image.sh), with both images named through
a counting proxy that does a token dance like ghcr.io's (lib.CountingRegistryProxy(token_auth=True)):

- cron: bench/baseline/cron-deploy.sh compose DIR every `interval` (a thread that runs it on a fixed tick, like cron);
- agent: the real jar with the unit's flags and systemd/agent.example.yml (compose-first: follows both containers),
  only addresses, names and the interval changed.

Per side: registry and token requests per check with nothing new (5 checks), push-to-serving for 3 deploys at the
interval (push = the manifest PUT; serving = the web container runs build i and GET /health answers 200), 17 more
deploys triggered at once (cron: the script; agent: POST /v1/update), outage per deploy from a probe of /health every
20 ms, what is left on disk after the 20 deploys, then a broken build (--variant unhealthy) and what serves after it.
"""
import http.client
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import lib

CRON = os.path.join(lib.ROOT, "bench", "baseline", "cron-deploy.sh")
SURVEY_APP = lib.REGISTRY + "/survey/survey-app:main"
SURVEY_APP_UNHEALTHY = lib.REGISTRY + "/survey/survey-app:main-unhealthy"
POSTGRES = "survey/postgres:15"
BROKEN_WINDOW_S = 150


def ensure_images():
    """The survey images in the local registry, built by the scripts LocalImages uses when missing."""
    for ref, cmd in ((SURVEY_APP, ["scripts/build-survey-image.sh", "--from-jar", "main"]),
                     (SURVEY_APP_UNHEALTHY, ["scripts/build-survey-image.sh", "--from-jar", "--variant", "unhealthy",
                                             "main-unhealthy"]),
                     (lib.REGISTRY + "/" + POSTGRES, ["scripts/build-postgres-image.sh", lib.REGISTRY + "/" + POSTGRES])):
        if subprocess.run(["docker", "manifest", "inspect", "--insecure", ref], capture_output=True).returncode != 0:
            name, tag = ref.split("/", 1)[1].rsplit(":", 1)
            try:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://{lib.REGISTRY}/v2/{name}/manifests/{tag}", method="HEAD", headers={
                        "Accept": "application/vnd.docker.distribution.manifest.v2+json"}), timeout=5).close()
                continue
            except Exception:
                subprocess.run(["bash"] + cmd, cwd=lib.ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["docker", "pull", "-q", SURVEY_APP], check=True, stdout=subprocess.DEVNULL)


# ---- the Engine API over its socket (no docker CLI process per probe) ----

class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def engine(path):
    conn = _UnixConnection("/var/run/docker.sock")
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return json.loads(body) if r.status == 200 else None
    finally:
        conn.close()


def running_build(container):
    """The bench.build label of the image the container runs ('broken' for the unhealthy variant), None if not up."""
    c = engine(f"/containers/{container}/json")
    if not c or not c["State"]["Running"]:
        return None
    return (c["Config"].get("Labels") or {}).get("bench.build")


def remove_refs(name):
    """Untags every tag and repo digest containing `name`; an image goes only when no other name holds it (the
    shared survey images stay)."""
    for img in engine("/images/json") or []:
        for ref in (img.get("RepoTags") or []) + (img.get("RepoDigests") or []):
            if name in ref:
                subprocess.run(["docker", "rmi", ref], capture_output=True)


def repo_images(name):
    """Images on the engine named after the bench repository (tagged, or untagged with a repo digest)."""
    out = []
    for img in engine("/images/json") or []:
        refs = (img.get("RepoTags") or []) + (img.get("RepoDigests") or [])
        if any(name in r for r in refs):
            out.append(img)
    return out


# ---- builds ----

def make_builds(ws, repo, count):
    """b0..b<count> and `broken` in the registry (not on this engine); returns nothing."""
    ctx = os.path.join(ws.dir, "build")
    os.makedirs(ctx)
    cid = subprocess.run(["docker", "create", SURVEY_APP], check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["docker", "cp", cid + ":/app/survey-app.jar", os.path.join(ctx, "survey-app.jar")], check=True)
    subprocess.run(["docker", "rm", cid], check=True, stdout=subprocess.DEVNULL)
    for i in range(count + 1):
        os.utime(os.path.join(ctx, "survey-app.jar"))  # a new mtime: a new layer, as a CI build makes
        with open(os.path.join(ctx, "Dockerfile"), "w") as f:
            f.write(f"FROM {SURVEY_APP}\nLABEL bench.build=\"{i}\"\nCOPY survey-app.jar /app/survey-app.jar\n")
        ref = f"{lib.REGISTRY}/{repo}:b{i}"
        subprocess.run(["docker", "build", "--no-cache", "-q", "-t", ref, ctx], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DOCKER_BUILDKIT="0"))
        lib.push(ref)
        subprocess.run(["docker", "rmi", ref], check=True, stdout=subprocess.DEVNULL)
    # The broken build: the unhealthy variant with a label of its own (an image id this run owns).
    subprocess.run(["docker", "pull", "-q", SURVEY_APP_UNHEALTHY], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write(f"FROM {SURVEY_APP_UNHEALTHY}\nLABEL bench.build=\"broken\"\n")
    broken = f"{lib.REGISTRY}/{repo}:broken"
    subprocess.run(["docker", "build", "-q", "-t", broken, ctx], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, DOCKER_BUILDKIT="0"))
    lib.push(broken)
    subprocess.run(["docker", "rmi", broken], check=True, stdout=subprocess.DEVNULL)


def move_main(repo, tag):
    """Points <repo>:main at <repo>:<tag>: the push, as the registry sees it."""
    from bench import put_tags  # noqa: the shared helper of bench.py
    put_tags(repo, tag, ["main"])


# ---- a compose project per side ----

class Stack:
    def __init__(self, ws, side, web_image, postgres_image):
        self.project = f"{ws.prefix}-{side}"
        self.dir = os.path.join(ws.dir, side)
        os.makedirs(self.dir)
        self.web, self.db = self.project + "-web", self.project + "-db"
        self.port = lib.free_port()
        env = {"COMPOSE_PROJECT_NAME": self.project, "POSTGRES_USER": "survey", "POSTGRES_DB": "survey",
               "POSTGRES_PASSWORD": "pw-" + ws.prefix, "SURVEY_ADMIN_EMAIL": "", "SURVEY_ADMIN_PASSWORD": "",
               "SURVEY_SIGNUP_OPEN": "false", "COOKIE_SECURE": "false", "SURVEY_WEB_IMAGE": web_image,
               "POSTGRES_IMAGE": postgres_image, "BUILD_IMAGE": "survey-local/maven:17",
               "RUNTIME_IMAGE": "survey-local/jre:17", "SURVEY_WEB_PORT": str(self.port),
               "SURVEY_DB_CONTAINER": self.db, "SURVEY_WEB_CONTAINER": self.web,
               "SURVEY_NETWORK": self.project + "-net", "POSTGRES_VOLUME": self.project + "-pgdata"}
        shutil.copy(os.path.join(lib.ROOT, "docker-compose.yml"), self.dir)
        with open(os.path.join(self.dir, ".env"), "w") as f:
            f.write("".join(f"{k}={v}\n" for k, v in env.items()))
        self.health = f"http://127.0.0.1:{self.port}/health"

    def compose(self, *args, timeout=600):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "SURVEY_", "POSTGRES_"))}
        return subprocess.run(["docker-compose", "--ansi", "never"] + list(args), cwd=self.dir, env=env,
                              capture_output=True, text=True, timeout=timeout)

    def up(self):
        """pull, then up -d: compose v1 never pulls a service that has a build: section, it would build it."""
        for args in (("pull", "-q"), ("up", "-d", "--no-build")):
            r = self.compose(*args)
            if r.returncode != 0:
                raise RuntimeError("compose %s: %s%s" % (args[0], r.stdout, r.stderr))

    def down(self):
        self.compose("down", "-v", "--remove-orphans")
        subprocess.run(["docker", "rm", "-f", self.web, self.db], capture_output=True)
        subprocess.run(["docker", "volume", "rm", "-f", self.project + "-pgdata"], capture_output=True)
        subprocess.run(["docker", "network", "rm", self.project + "-net"], capture_output=True)


def agent_config(stack, state_dir, http_port, interval, registry_host):
    """systemd/agent.example.yml with this machine's addresses and the stack's names; nothing else changed."""
    text = open(os.path.join(lib.ROOT, "systemd", "agent.example.yml")).read()
    changes = {
        "state_dir: /var/lib/redeploy-agent": f"state_dir: {state_dir}",
        "interval: 60s": f"interval: {interval}s",
        "listen: \"127.0.0.1:8686\"": f"listen: \"127.0.0.1:{http_port}\"",
        "  ghcr.io:\n    username: deploy-bot          # any user name works with a GitHub token\n"
        "    password_env: GHCR_TOKEN": f"  \"{registry_host}\": {{ insecure: true }}",
        "container: survey-db ": f"container: {stack.db} ",
        "container: survey-web ": f"container: {stack.web} ",
        "output_dir: /var/lib/redeploy-agent/backups": f"output_dir: {os.path.join(state_dir, 'backups')}",
    }
    for old, new in changes.items():
        if old not in text:
            raise RuntimeError("systemd/agent.example.yml no longer has %r: update bench/baseline.py" % old)
        text = text.replace(old, new)
    return text


# ---- the two sides ----

class CronSide:
    """cron-deploy.sh compose DIR, run by a ticker thread every `interval` s or at once by check()."""

    name = "cron"

    def __init__(self, ws, stack, interval):
        self.stack, self.interval = stack, interval
        self.check_s, self.lock = [], threading.Lock()
        self.ticker = None

    def start(self):
        self.stack.up()

    def check(self):
        with self.lock:
            t = time.monotonic()
            r = subprocess.run([CRON, "compose", self.stack.dir], capture_output=True, text=True, timeout=600,
                               env={k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")})
            self.check_s.append(time.monotonic() - t)
            if r.returncode != 0:
                print("bench: cron-deploy.sh failed:", r.stdout[-400:], r.stderr[-400:], flush=True)

    def start_ticker(self):
        self.ticker_stop = threading.Event()

        def tick():
            nxt = time.monotonic() + self.interval
            while not self.ticker_stop.wait(max(0, nxt - time.monotonic())):
                self.check()
                nxt += self.interval
        self.ticker = threading.Thread(target=tick, daemon=True)
        self.ticker.start()

    def stop_ticker(self):
        self.ticker_stop.set()
        self.ticker.join()

    def idle_checks(self, n):
        cpu0 = _children_cpu()
        for _ in range(n):
            self.check()
        return n, (_children_cpu() - cpu0) * 1000 / n

    def trigger(self):
        self.check()

    def stop(self):
        pass


def _children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class AgentSide:
    name = "agent"

    def __init__(self, ws, stack, interval, registry_host):
        self.ws, self.stack, self.interval, self.registry_host = ws, stack, interval, registry_host
        self.http_port = lib.free_port()
        self.state_dir = os.path.join(stack.dir, "state")
        os.makedirs(self.state_dir)

    def start(self):
        self.stack.up()
        self.agent = self.ws.agent(agent_config(self.stack, self.state_dir, self.http_port, self.interval,
                                                self.registry_host))
        self.agent.wait_for("event=poll.done", timeout=240)

    def start_ticker(self):
        pass  # the agent's own schedule

    def stop_ticker(self):
        pass

    def idle_checks(self, n):
        mark = self.agent.mark()
        cpu0 = self.agent.cpu_seconds()
        for _ in range(n):
            m = self.agent.mark()
            self.agent.trigger(self.http_port)
            self.agent.wait_for("event=poll.done", since=m, timeout=60)
        polls = self.agent.count("event=poll.done", since=mark)
        return polls, (self.agent.cpu_seconds() - cpu0) * 1000 / polls

    def trigger(self):
        m = self.agent.mark()
        self.agent.trigger(self.http_port)
        self.agent.wait_for("event=poll.done", since=m, timeout=600)

    def stop(self):
        self.agent.stop()


def wait_healthy(url, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lib.http_get(url, 1.0)[0] == 200:
            return True
        time.sleep(0.2)
    return False


def wait_serving(stack, build, timeout):
    """Time at which the web container runs `build` and /health answers 200 (None on timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if running_build(stack.web) == str(build) and lib.http_get(stack.health, 1.0)[0] == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.05)
    return None


def run_side(side, stack, proxy, repo, deploys, at_interval, idle_n):
    from bench import Prober  # noqa: the probe of bench.py's downtime benchmark
    result = {"side": side.name, "interval_s": side.interval}
    move_main(repo, "b0")
    side.start()
    if not wait_healthy(stack.health, 240):
        raise RuntimeError(f"{side.name}: the stack did not become healthy")
    # Registry and token requests per check with nothing new.
    time.sleep(1)
    proxy.reset()
    checks, cpu_ms = side.idle_checks(idle_n)
    reqs = proxy.snapshot()
    reg = lib.classify_registry(reqs)
    reg["status_401"] = sum(1 for r in reqs if r[3] == 401)
    result.update({"idle_checks": checks, "idle_registry": reg,
                   "registry_requests_per_check": round(reg["total"] / checks, 2),
                   "token_requests_per_check": round(reg["token"] / checks, 2),
                   "registry_requests_per_image_per_check": round(reg["total"] / checks / 2, 2),
                   "cpu_ms_per_idle_check": round(cpu_ms, 1),
                   "cpu_note": "cron: docker-compose's own CPU (not dockerd's); agent: the JVM's"})
    if side.name == "cron":
        result["cron_check_wall_s_median"] = round(lib.median(side.check_s), 2)
    # Deploys: the first `at_interval` wait for the schedule, the rest are triggered at once.
    prober = Prober(stack.health)
    latencies, outages, failed = [], [], []
    side.start_ticker()
    for i in range(1, deploys + 1):
        scheduled = i <= at_interval
        if not scheduled and i == at_interval + 1:
            side.stop_ticker()
        n0 = len(prober.samples)
        move_main(repo, f"b{i}")
        t0 = time.monotonic()
        if not scheduled:
            side.trigger()
        t1 = wait_serving(stack, i, timeout=side.interval + 240)
        if t1 is None:
            failed.append(i)
            continue
        if scheduled:
            latencies.append(round((t1 - t0) * 1000))
        time.sleep(0.5)
        window = prober.samples[n0:]
        outages.append(_longest_outage(window))
    if at_interval >= deploys:
        side.stop_ticker()
    result.update({"deploys": deploys, "deploys_not_serving": failed, "push_to_serving_ms": latencies,
                   "push_to_serving_ms_median": lib.median(latencies), "outage_ms_per_deploy": outages,
                   "outage_ms_median": lib.median(outages), "outage_ms_max": max(outages, default=None)})
    # Disk after the deploys.
    imgs = repo_images(repo)
    base = engine(f"/images/{SURVEY_APP}/json")["Size"]
    in_use = {engine(f"/containers/{stack.web}/json")["Image"]}
    result.update({"images_left": len(imgs), "images_left_unused": sum(1 for im in imgs if im["Id"] not in in_use),
                   "disk_beyond_base_mb": round(sum(im["Size"] - base for im in imgs) / 1e6, 1)})
    # A broken build: what serves 90 s after it was pushed (and checked at once).
    n0 = len(prober.samples)
    mark = side.agent.mark() if side.name == "agent" else 0
    move_main(repo, "broken")
    t0 = time.monotonic()
    side.trigger()
    # A fixed window for both sides: the agent's health gate (timeout 60s in the example) plus the old build's
    # start-up after the rollback fit in it; cron never comes back on its own.
    rolled_back_s = None
    while time.monotonic() - t0 < BROKEN_WINDOW_S:
        if side.name == "agent" and rolled_back_s is None and side.agent.count("event=deploy.rollback", since=mark):
            rolled_back_s = round(time.monotonic() - t0, 1)
        time.sleep(0.5)
    window = prober.samples[n0:]
    prober.stop()
    result.update({"broken_build": {
        "running_after": running_build(stack.web), "health_after": lib.http_get(stack.health, 2.0)[0],
        "failed_probes": sum(1 for _, ok in window if not ok), "probes": len(window),
        "outage_ms": _longest_outage(window), "rolled_back_after_s": rolled_back_s,
        "still_down_at_end": not window or not window[-1][1], "window_s": BROKEN_WINDOW_S}})
    side.stop()
    return result


def _longest_outage(samples):
    longest, start = 0, None
    for t, ok in samples:
        if not ok and start is None:
            start = t
        elif ok and start is not None:
            longest, start = max(longest, round((t - start) * 1000)), None
    if start is not None:
        longest = max(longest, round((samples[-1][0] - start) * 1000))
    return longest


def bench_baseline(ws, run, interval=int(os.environ.get("BENCH_BASELINE_INTERVAL", "15")),
                   deploys=int(os.environ.get("BENCH_BASELINE_DEPLOYS", "20")), at_interval=3, idle_n=5):
    ensure_images()
    proxy = lib.CountingRegistryProxy(token_auth=True)
    ws.closers.append(proxy.close)
    repo = f"{ws.prefix}/survey-app"
    t = time.monotonic()
    make_builds(ws, repo, deploys)
    build_s = round(time.monotonic() - t, 1)
    web_image, pg_image = f"{proxy.host}/{repo}:main", f"{proxy.host}/{POSTGRES}"
    sides = {}
    for name in ("cron", "agent"):
        stack = Stack(ws, name, web_image, pg_image)
        side = CronSide(ws, stack, interval) if name == "cron" else AgentSide(ws, stack, interval, proxy.host)
        try:
            print(f"bench: baseline {name} ...", flush=True)
            sides[name] = run_side(side, stack, proxy, repo, deploys, at_interval, idle_n)
            sides[name]["load_after"] = os.getloadavg()
        finally:
            try:
                side.stop()
            except Exception:
                pass
            stack.down()
            remove_refs(repo)
            remove_refs(proxy.host + "/" + POSTGRES)
    cron, agent = sides["cron"], sides["agent"]
    flat = {"builds_s": build_s, "interval_s": interval, "cron": cron, "agent": agent}
    for key in ("registry_requests_per_check", "token_requests_per_check", "push_to_serving_ms_median",
                "outage_ms_median", "outage_ms_max", "images_left", "disk_beyond_base_mb", "cpu_ms_per_idle_check"):
        flat["cron_" + key], flat["agent_" + key] = cron[key], agent[key]
    flat["cron_broken_serving"] = cron["broken_build"]["health_after"] == 200
    flat["agent_broken_serving"] = agent["broken_build"]["health_after"] == 200
    flat["agent_broken_outage_ms"] = agent["broken_build"]["outage_ms"]
    flat["cron_broken_outage_ms"] = cron["broken_build"]["outage_ms"]
    return flat
