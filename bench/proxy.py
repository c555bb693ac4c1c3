#!/usr/bin/env python3
"""Zero downtime on the real survey app: start-first through Caddy vs stop-first, a broken build, the agent killed,
the data-plane cost of Caddy and of the agent's forwarder, push-to-serving time. Usage: bench/proxy.py [--runs N]

Each run: its own network, PostgreSQL 15 container and volume, app repository and containers (prefix
bench-proxy-<random>), two host Caddy processes (`caddy run`, plain HTTP on free loopback ports) and three agent
processes, one per phase; all removed at the end of the run. Writes bench/results/proxy.json. See bench/README.md.
"""
import argparse
import datetime
import http.client
import json
import os
import re
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
APP = lib.REGISTRY + "/survey/survey-app:main"
APP_UNHEALTHY = lib.REGISTRY + "/survey/survey-app:main-unhealthy"
POSTGRES = lib.REGISTRY + "/survey/postgres:15"
PAGE = "/login"          # a real page view: the login page, rendered by the app
DEPLOYS = int(os.environ.get("BENCH_DEPLOYS", "10"))
HEALTH_TIMEOUT = "30s"   # the broken build's cost with stop-first scales with it (the example uses 60s)
DRAIN = "2s"


def sh(*args, check=True, timeout=300):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=timeout).stdout.strip()


# --------------------------------------------------------------------------------------------------
# Traffic: a probe every 20 ms (a new connection each, 1 s timeout, no retry) and a light steady load of page views.

class Probe:
    def __init__(self, url, every=0.02):
        self.url, self.every = url, every
        self.results = []  # (monotonic, ok, error)
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        nxt = time.monotonic()
        while not self.stopped:
            status, body = lib.http_get(self.url, timeout=1.0)
            self.results.append((time.monotonic(), status == 200, None if status == 200 else "%s %s" % (status, body[:120])))
            nxt += self.every
            time.sleep(max(0.0, nxt - time.monotonic()))
            nxt = max(nxt, time.monotonic() - self.every)

    def window(self, t0, t1):
        return [r for r in self.results if t0 <= r[0] <= t1]

    def stop(self):
        self.stopped = True
        self.thread.join(timeout=5)


class Visitors:
    """`n` visitors, each on a keep-alive connection, a page view every `every` s. A failure on a reused connection
    (the server closed it while idle: what a browser retries by itself) is counted apart from the other failures."""

    def __init__(self, host, port, n=2, every=0.1):
        self.host, self.port, self.every = host, port, every
        self.results = []  # (monotonic, ok, reused, error)
        self.stopped = False
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(n)]
        for t in self.threads:
            t.start()

    def _run(self):
        conn, used = None, 0
        while not self.stopped:
            if conn is None:
                conn, used = http.client.HTTPConnection(self.host, self.port, timeout=5), 0
            reused = used > 0
            try:
                conn.request("GET", PAGE)
                r = conn.getresponse()
                r.read()
                ok, err = r.status == 200, None if r.status == 200 else "HTTP %d" % r.status
                used += 1
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except Exception as e:  # any failure is a failed page view
                ok, err = False, type(e).__name__ + ": " + str(e)[:100]
                conn.close()
                conn = None
            retried = None
            if not ok and reused and err and not err.startswith("HTTP"):
                retried = self._retry()
            self.results.append((time.monotonic(), ok, reused, err, retried))
            time.sleep(self.every)

    def _retry(self):
        """What a browser does when a reused connection ends without a response byte: the same GET once more on a
        new connection. Counted apart (failed_page_views_after_retry); the first attempt stays a failed page view."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            c.request("GET", PAGE)
            r = c.getresponse()
            r.read()
            return r.status == 200
        except Exception:
            return False
        finally:
            c.close()

    def window(self, t0, t1):
        return [r for r in self.results if t0 <= r[0] <= t1]

    def stop(self):
        self.stopped = True
        for t in self.threads:
            t.join(timeout=10)


def outages_ms(results):
    """Runs of failed probes: from the first failed one to the next good one (ms)."""
    out, start = [], None
    for t, ok, *_ in results:
        if not ok and start is None:
            start = t
        elif ok and start is not None:
            out.append(round((t - start) * 1000))
            start = None
    if start is not None:
        out.append(round((results[-1][0] - start) * 1000))
    return out


def traffic_summary(probe, visitors, t0, t1, prefix=""):
    p, v = probe.window(t0, t1), visitors.window(t0, t1)
    return {prefix + "probes": len(p), prefix + "failed_probes": sum(1 for r in p if not r[1]),
            prefix + "page_views": len(v), prefix + "failed_page_views": sum(1 for r in v if not r[1]),
            prefix + "failed_page_views_on_reused_connection": sum(1 for r in v if not r[1] and r[2]),
            prefix + "failed_page_views_after_retry": sum(1 for r in v if not r[1] and not r[4]),
            prefix + "failure_samples": sorted({r[2] for r in p if not r[1]} | {r[3] for r in v if not r[1]})[:5]}


# --------------------------------------------------------------------------------------------------
# The stack of one run.

class Caddy:
    """Caddy as a host process (`caddy run`), plain HTTP on a free loopback port, admin API on another."""

    def __init__(self, workdir, name, upstream=None):
        self.port, self.admin_port = lib.free_port(), lib.free_port()
        d = os.path.join(workdir, name)
        os.makedirs(d)
        handler = ("reverse_proxy %s" % upstream) if upstream else 'respond "no route yet" 502'
        self.caddyfile = os.path.join(d, "Caddyfile")
        with open(self.caddyfile, "w") as f:
            f.write("{\n\tadmin 127.0.0.1:%d\n}\n\nhttp://127.0.0.1:%d {\n\t%s\n}\n"
                    % (self.admin_port, self.port, handler))
        env = dict(os.environ, HOME=d, XDG_DATA_HOME=d, XDG_CONFIG_HOME=d)
        self.log = open(os.path.join(d, "caddy.log"), "w")
        self.proc = subprocess.Popen(["caddy", "run", "--config", self.caddyfile, "--adapter", "caddyfile"],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=d)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if lib.http_get("http://127.0.0.1:%d/config/" % self.admin_port)[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("caddy did not start; see " + self.log.name)

    @property
    def admin(self):
        return "http://127.0.0.1:%d" % self.admin_port

    def route_dial(self, service):
        status, body = lib.http_get(self.admin + "/id/redeploy-" + service, timeout=1.0)
        if status != 200:
            return None
        m = re.search(r'"dial"\s*:\s*"([^"]+)"', body)
        return m.group(1) if m else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Stack:
    def __init__(self):
        self.prefix = lib.rand_prefix("proxy")
        self.dir = tempfile.mkdtemp(prefix=self.prefix + "-", dir="/tmp")
        self.net, self.volume, self.db = self.prefix + "-net", self.prefix + "-pgdata", self.prefix + "-db"
        self.repo = "%s/%s/survey-app" % (lib.REGISTRY, self.prefix)
        self.password = "pw-" + self.prefix
        self.agents, self.closers, self.build_no = [], [], 0
        sh("docker", "network", "create", self.net)
        sh("docker", "volume", "create", self.volume)
        sh("docker", "run", "-d", "--name", self.db, "--network", self.net, "--network-alias", "db",
           "-v", self.volume + ":/var/lib/postgresql/data", "-e", "POSTGRES_USER=survey", "-e", "POSTGRES_DB=survey",
           "-e", "POSTGRES_PASSWORD=" + self.password, POSTGRES)
        deadline = time.monotonic() + 90
        while subprocess.run(["docker", "exec", self.db, "pg_isready", "-U", "survey", "-d", "survey"],
                             capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("postgres did not get ready")
            time.sleep(0.5)
        time.sleep(2)  # the image's init script restarts the server once after initdb

    def build(self, unhealthy=False):
        """A new build: the image plus a label, tagged :main locally (pushed by the caller)."""
        self.build_no += 1
        n = self.build_no
        dockerfile = "FROM %s\nLABEL io.redeploy.bench.build=%s-%d\n" % (APP_UNHEALTHY if unhealthy else APP,
                                                                          self.prefix, n)
        subprocess.run(["docker", "build", "-q", "-t", self.repo + ":main", "-"], input=dockerfile, text=True,
                       check=True, capture_output=True)
        return "%s-%d" % (self.prefix, n)

    def push(self):
        sh("docker", "push", "-q", self.repo + ":main")

    def service(self, name, strategy_yaml):
        return f"""  {name}:
    image: {self.repo}
    tag: main
    container_name: {name}
{strategy_yaml}
    env:
      PORT: "8000"
      DATABASE_URL: "postgres://db:5432/survey"
      DB_USER: survey
      DB_PASSWORD: "{self.password}"
      COOKIE_SECURE: "false"
    network: {self.net}
    health: {{ type: http, port: 8000, path: /health, timeout: {HEALTH_TIMEOUT}, interval: 1s }}
    stop_timeout: 10s
"""

    def agent(self, name, services, http_port):
        d = os.path.join(self.dir, name)
        os.makedirs(os.path.join(d, "state"))
        yaml = (f"state_dir: {d}/state\nschedule: {{ interval: 1h }}\n"
                f"http: {{ listen: \"127.0.0.1:{http_port}\", trigger_token_env: REDEPLOY_TRIGGER_TOKEN }}\n"
                f"services:\n{services}")
        a = lib.AgentProcess(d, yaml)
        self.agents.append(a)
        return a

    def close(self):
        for a in self.agents:
            try:
                a.stop()
            except Exception:
                pass
        for c in self.closers:
            try:
                c()
            except Exception:
                pass
        lib.remove_service_containers(self.prefix)
        subprocess.run(["docker", "volume", "rm", "-f", self.volume], capture_output=True)
        subprocess.run(["docker", "network", "rm", self.net], capture_output=True)
        lib.remove_images(self.prefix)
        if os.environ.get("BENCH_KEEP_LOGS"):
            print("bench: logs kept in", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def container_of_build(build):
    return sh("docker", "ps", "-q", "--filter", "label=io.redeploy.bench.build=" + build)


def host_port(container, port=8000):
    out = sh("docker", "port", container, "%d/tcp" % port)
    return int(out.splitlines()[0].rsplit(":", 1)[1])


def wait_serving(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lib.http_get(url, timeout=1.0)[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(url + " did not answer 200 within %ds" % timeout)


# --------------------------------------------------------------------------------------------------
# Phases.

def caddy_phase(stack, result):
    """start-first through Caddy: 10 redeploys, a broken build, kill -9 of the agent; push-to-serving per deploy."""
    caddy = Caddy(stack.dir, "caddy")
    stack.closers.append(caddy.stop)
    svc = stack.prefix + "-web"
    http_port = lib.free_port()
    traffic = (f"    strategy: start-first\n    traffic: {{ caddy: {{ admin: \"{caddy.admin}\", hosts: [\"127.0.0.1\"],"
               f" container_port: 8000, drain: {DRAIN} }} }}")
    services = stack.service(svc, traffic)
    stack.build()
    stack.push()
    agent = stack.agent("agent-caddy", services, http_port)
    site = "http://127.0.0.1:%d" % caddy.port
    wait_serving(site + "/health")
    probe, visitors = Probe(site + "/health"), Visitors("127.0.0.1", caddy.port)
    try:
        time.sleep(2)
        t0 = time.monotonic()
        serving = []
        for i in range(DEPLOYS):
            build = stack.build()
            before = caddy.route_dial(svc)
            stack.push()
            pushed = time.monotonic()
            mark = agent.mark()
            agent.trigger(http_port)
            switched = None
            while time.monotonic() - pushed < 120:
                dial = caddy.route_dial(svc)
                if dial and dial != before:
                    cid = container_of_build(build)
                    if cid and dial.endswith(":%d" % host_port(cid)):
                        switched = time.monotonic()
                        break
                time.sleep(0.02)
            if switched is None:
                raise RuntimeError("deploy %d: Caddy never pointed at build %s" % (i + 1, build))
            serving.append(round(switched - pushed, 2))
            agent.wait_for("event=deploy.done", since=mark, timeout=120)
            time.sleep(1)
        t1 = time.monotonic()
        result.update(traffic_summary(probe, visitors, t0, t1, "caddy_"))
        result["caddy_outages_ms"] = outages_ms(probe.window(t0, t1))
        result["caddy_push_to_serving_s"] = serving
        result["caddy_push_to_serving_p50_s"] = lib.median(serving)

        # A broken build: the new container never passes its health gate; the old one must serve throughout.
        stack.build(unhealthy=True)
        mark = agent.mark()
        t0 = time.monotonic()
        stack.push()
        agent.trigger(http_port)
        agent.wait_for("event=deploy.rollback", since=mark, timeout=180)
        time.sleep(3)
        t1 = time.monotonic()
        result.update(traffic_summary(probe, visitors, t0, t1, "caddy_broken_"))
        result["caddy_broken_window_s"] = round(t1 - t0, 1)

        # kill -9 of the agent under load, 5 s down, restarted: Caddy keeps serving the container it points at.
        t0 = time.monotonic()
        agent.proc.kill()
        agent.proc.wait()
        time.sleep(5)
        agent.log.close()
        os.rename(agent.log.name, agent.log.name.replace("agent.log", "agent-before-kill.log"))
        agent2 = lib.AgentProcess(agent.workdir, open(agent.config_path).read())  # same config and state dir
        stack.agents.append(agent2)
        agent2.wait_for("event=poll.done", timeout=120)
        time.sleep(5)
        t1 = time.monotonic()
        result.update(traffic_summary(probe, visitors, t0, t1, "caddy_kill9_"))
        result["caddy_kill9_window_s"] = round(t1 - t0, 1)
        agent2.stop()
    finally:
        probe.stop()
        visitors.stop()
    lib.remove_service_containers(svc)


def stop_first_phase(stack, result):
    """The same app stop-first with a published port: 10 redeploys and a broken build."""
    svc = stack.prefix + "-sf"
    http_port, app_port = lib.free_port(), lib.free_port()
    services = stack.service(svc, f"    strategy: stop-first\n    ports: [\"127.0.0.1:{app_port}:8000\"]")
    stack.build()  # :main is the broken build of the previous phase
    stack.push()
    agent = stack.agent("agent-stop-first", services, http_port)
    site = "http://127.0.0.1:%d" % app_port
    wait_serving(site + "/health")
    probe, visitors = Probe(site + "/health"), Visitors("127.0.0.1", app_port)
    try:
        time.sleep(2)
        t0 = time.monotonic()
        per_deploy = []
        for i in range(DEPLOYS):
            stack.build()
            stack.push()
            mark = agent.mark()
            d0 = time.monotonic()
            agent.trigger(http_port)
            agent.wait_for("event=deploy.done", since=mark, timeout=180)
            wait_serving(site + "/health")
            time.sleep(1)
            per_deploy.append(outages_ms(probe.window(d0, time.monotonic())))
        t1 = time.monotonic()
        result.update(traffic_summary(probe, visitors, t0, t1, "stopfirst_"))
        result["stopfirst_outages_ms"] = [sum(o) for o in per_deploy]
        result["stopfirst_outage_median_ms"] = lib.median(result["stopfirst_outages_ms"])
        result["stopfirst_outage_max_ms"] = max(result["stopfirst_outages_ms"])

        stack.build(unhealthy=True)
        mark = agent.mark()
        t0 = time.monotonic()
        stack.push()
        agent.trigger(http_port)
        agent.wait_for("event=deploy.rollback", since=mark, timeout=240)
        wait_serving(site + "/health")
        time.sleep(2)
        t1 = time.monotonic()
        result.update(traffic_summary(probe, visitors, t0, t1, "stopfirst_broken_"))
        result["stopfirst_broken_outage_ms"] = sum(outages_ms(probe.window(t0, t1)))
    finally:
        probe.stop()
        visitors.stop()
    agent.stop()
    lib.remove_service_containers(svc)


def wrk(url, seconds=10, conns=16):
    out = sh("wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--latency", url, timeout=seconds + 60)

    def ms(v):
        m = re.match(r"([\d.]+)(us|ms|s)", v)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    def size(v):
        m = re.match(r"([\d.]+)([KMG]?)B", v)
        return float(m.group(1)) * {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}[m.group(2)]

    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    transfer = re.search(r"Transfer/sec:\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"p50_ms": round(ms(p50.group(1)), 2), "p99_ms": round(ms(p99.group(1)), 2), "rps": round(rps, 1),
            # bytes per response, to see that every path serves the same page
            "bytes_per_request": round(size(transfer.group(1)) / rps) if transfer and rps else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else None}


WRK_ROUNDS = 3
WRK_SECONDS = 5


def data_plane_phase(stack, result):
    """wrk on the login page of one container: direct (its published port), through Caddy, through the agent's
    forwarder. 3 rounds of 5 s per path, the order rotated each round (the app's JIT keeps warming up and the
    machine's load changes), and per path the median of its rounds."""
    svc = stack.prefix + "-fw"
    http_port, listen = lib.free_port(), lib.free_port()
    services = stack.service(svc, f"    strategy: start-first\n    proxy: {{ listen: \"127.0.0.1:{listen}\","
                                  f" container_port: 8000, drain: {DRAIN} }}")
    stack.build()
    stack.push()
    agent = stack.agent("agent-forwarder", services, http_port)
    wait_serving("http://127.0.0.1:%d/health" % listen)
    direct = host_port(sh("docker", "ps", "-q", "--filter", "name=^/" + svc + "$"))
    caddy = Caddy(stack.dir, "caddy-wrk", upstream="127.0.0.1:%d" % direct)
    stack.closers.append(caddy.stop)
    targets = [("direct", direct), ("caddy", caddy.port), ("forwarder", listen)]
    for _, port in targets:  # warm-up: the app's JIT, Caddy's and the forwarder's connections
        wrk("http://127.0.0.1:%d%s" % (port, PAGE), seconds=5)
    rounds = {name: [] for name, _ in targets}
    for r in range(WRK_ROUNDS):
        for name, port in targets[r % 3:] + targets[:r % 3]:
            rounds[name].append(wrk("http://127.0.0.1:%d%s" % (port, PAGE), seconds=WRK_SECONDS))
    for name, rs in rounds.items():
        for k in ("p50_ms", "p99_ms", "rps"):
            result["wrk_%s_%s" % (name, k)] = lib.median([x[k] for x in rs])
        result["wrk_%s_rounds" % name] = rs
    agent.stop()
    lib.remove_service_containers(svc)


PHASES = os.environ.get("BENCH_PHASES", "caddy,stopfirst,dataplane").split(",")


def one_run():
    result = {"date": datetime.datetime.utcnow().isoformat() + "Z", "load_avg_before": os.getloadavg()}
    stack = Stack()
    try:
        if "caddy" in PHASES:
            caddy_phase(stack, result)
        if "stopfirst" in PHASES:
            stop_first_phase(stack, result)
        if "dataplane" in PHASES:
            data_plane_phase(stack, result)
    finally:
        stack.close()
    result["load_avg_after"] = os.getloadavg()
    return result


HEADLINES = [
    ("caddy_failed_probes", "start-first through Caddy: failed probes over the redeploys"),
    ("caddy_failed_page_views", "start-first through Caddy: failed page views over the redeploys"),
    ("caddy_failed_page_views_on_reused_connection", "  of which on a reused keep-alive connection"),
    ("caddy_failed_page_views_after_retry", "  still failed after one browser-like retry on a new connection"),
    ("caddy_probes", "start-first through Caddy: probes sent"),
    ("caddy_page_views", "start-first through Caddy: page views sent"),
    ("stopfirst_failed_probes", "stop-first, published port: failed probes over the redeploys"),
    ("stopfirst_failed_page_views", "stop-first: failed page views over the redeploys"),
    ("stopfirst_outage_median_ms", "stop-first: outage per deploy, median (ms)"),
    ("stopfirst_outage_max_ms", "stop-first: outage per deploy, max (ms)"),
    ("caddy_broken_failed_probes", "broken build, through Caddy: failed probes"),
    ("caddy_broken_failed_page_views", "broken build, through Caddy: failed page views"),
    ("stopfirst_broken_failed_probes", "broken build, stop-first: failed probes"),
    ("stopfirst_broken_outage_ms", "broken build, stop-first: outage (ms)"),
    ("caddy_kill9_failed_probes", "agent kill -9 + restart, through Caddy: failed probes"),
    ("caddy_kill9_failed_page_views", "agent kill -9 + restart, through Caddy: failed page views"),
    ("caddy_push_to_serving_p50_s", "push to new build serving through Caddy, p50 (s)"),
    ("wrk_direct_p50_ms", "wrk direct: p50 (ms)"), ("wrk_direct_p99_ms", "wrk direct: p99 (ms)"),
    ("wrk_direct_rps", "wrk direct: requests/s"),
    ("wrk_caddy_p50_ms", "wrk through Caddy: p50 (ms)"), ("wrk_caddy_p99_ms", "wrk through Caddy: p99 (ms)"),
    ("wrk_caddy_rps", "wrk through Caddy: requests/s"),
    ("wrk_forwarder_p50_ms", "wrk through the forwarder: p50 (ms)"),
    ("wrk_forwarder_p99_ms", "wrk through the forwarder: p99 (ms)"),
    ("wrk_forwarder_rps", "wrk through the forwarder: requests/s"),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    a = p.parse_args()
    runs = []
    path = os.path.join(RESULTS, os.environ.get("BENCH_OUT", "proxy.json"))
    for r in range(1, a.runs + 1):
        print("bench: proxy run %d/%d ..." % (r, a.runs), flush=True)
        t = time.monotonic()
        res = one_run()
        res["run_wall_s"] = round(time.monotonic() - t, 1)
        runs.append(res)
        print("bench: proxy run %d: %s" % (r, ", ".join("%s=%s" % (k, res.get(k)) for k, _ in HEADLINES)), flush=True)
        medians = {k: lib.median([x[k] for x in runs if x.get(k) is not None]) for k, _ in HEADLINES}
        doc = {"benchmark": "proxy", "command": "bench/run.sh proxy", "app": "survey-app (" + APP + ") + PostgreSQL 15 ("
               + POSTGRES + ")", "caddy": sh("caddy", "version"), "wrk": "wrk -t2 -c16 -d%ds --latency %s, %d rounds, order rotated" % (WRK_SECONDS, PAGE, WRK_ROUNDS),
               "settings": {"deploys": DEPLOYS, "health_timeout": HEALTH_TIMEOUT, "drain": DRAIN,
                            "probe": "GET /health every 20 ms, new connection, 1 s timeout",
                            "visitors": "2 keep-alive clients, GET %s every 100 ms each" % PAGE, "phases": PHASES},
               "git": sh("git", "-C", lib.ROOT, "rev-parse", "--short", "HEAD"), "machine": lib.machine(),
               "runs": len(runs), "median": medians, "per_run": runs}
        os.makedirs(RESULTS, exist_ok=True)  # written after every run: a later failure keeps the earlier ones
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
