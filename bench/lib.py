"""Shared pieces of the benchmark harness: counting proxies, the agent as a process, images, stats.

Standard library only. Everything the harness creates carries the prefix bench-<random> and is removed
at the end (containers by the agent's service label, repositories' local images by name).
"""
import http.client
import http.server
import json
import os
import platform
import random
import re
import shlex
import socket
import socketserver
import statistics
import string
import subprocess
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "agent", "target", "redeploy-agent.jar")
UNIT = os.path.join(ROOT, "systemd", "redeploy-agent.service")
REGISTRY = "127.0.0.1:5000"
TOKEN = "bench-trigger-token-0123456789abcdef01"


def rand_prefix(area):
    return "bench-%s-%s" % (area, "".join(random.choices(string.ascii_lowercase + string.digits, k=6)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLASSLIST = os.path.join(ROOT, "systemd", "redeploy-agent.classlist")
CDS_ARCHIVE = os.path.join(ROOT, "agent", "target", "bench-redeploy-agent.jsa")


def _unit_lines():
    return open(UNIT).read().replace("\\\n", " ").splitlines()


def unit_jvm_flags():
    """The JVM flags of the systemd unit's ExecStart (everything between java and -jar), with the class-data
    archive pointed at one dumped for the bench's jar exactly as install.sh dumps it for the installed one."""
    line = next(l for l in _unit_lines() if l.startswith("ExecStart="))
    words = shlex.split(line[len("ExecStart="):])
    flags = words[1:words.index("-jar")]
    return [("-XX:SharedArchiveFile=" + cds_archive()) if f.startswith("-XX:SharedArchiveFile=") else f for f in flags]


def unit_environment():
    """The unit's Environment= settings (e.g. MALLOC_ARENA_MAX)."""
    env = {}
    for l in _unit_lines():
        if l.startswith("Environment="):
            for word in shlex.split(l[len("Environment="):]):
                k, _, v = word.partition("=")
                env[k] = v
    return env


def cds_archive(java="java", archive=CDS_ARCHIVE, extra_flags=()):
    """install.sh's class-data dump for the bench's jar; rebuilt when the jar or the class list is newer."""
    fresh = os.path.exists(archive) and all(
        os.path.getmtime(archive) > os.path.getmtime(p) for p in (JAR, CLASSLIST))
    if not fresh:
        if os.path.exists(archive):
            os.remove(archive)  # the JVM writes it read-only
        subprocess.run([java] + list(extra_flags) + ["-Xshare:dump", "-XX:SharedClassListFile=" + CLASSLIST,
                        "-XX:SharedArchiveFile=" + archive, "-cp", JAR, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return archive


def machine():
    cpu = "unknown"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
    docker = subprocess.run(["docker", "version", "-f", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
                            capture_output=True, text=True).stdout.strip()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "mem_mb": mem_kb // 1024, "kernel": platform.release(),
            "docker": docker, "java": java, "python": platform.python_version(),
            "note": "shared 2-core VM: other jobs may run at the same time"}


def pct(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def median(values):
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------------------------------
# Registry: a counting HTTP proxy in front of the real registry (independent of the agent's counters).

class CountingRegistryProxy:
    """Forwards every request to 127.0.0.1:5000 and records (method, path, status).

    token_auth=True puts a token dance like ghcr.io's or Docker Hub's in front: a request without a bearer token
    gets 401 with `WWW-Authenticate: Bearer realm=http://<proxy>/token,service=bench,scope=repository:<name>:pull`,
    and GET /token hands out an anonymous token (counted as a token request) valid for `token_ttl` seconds."""

    def __init__(self, upstream=REGISTRY, token_auth=False, token_ttl=300):
        self.upstream = upstream
        self.token_auth = token_auth
        self.token_ttl = token_ttl
        self.tokens = {}  # token -> expiry (monotonic)
        self.requests = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def token_answer(self):
                """The token endpoint, or a 401 challenge when a /v2/ request lacks a valid token; None to forward."""
                if self.path.startswith("/token"):
                    token = "bench-%d" % random.getrandbits(48)
                    with proxy.lock:
                        proxy.tokens[token] = time.monotonic() + proxy.token_ttl
                    body = json.dumps({"token": token, "access_token": token, "expires_in": proxy.token_ttl})
                    return 200, {"Content-Type": "application/json"}, body.encode()
                auth = self.headers.get("Authorization") or ""
                token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
                with proxy.lock:
                    valid = token is not None and proxy.tokens.get(token, 0) > time.monotonic()
                if valid:
                    return None
                m = re.match(r"/v2/(.+?)/(manifests|blobs|tags)/", self.path)
                scope = (',scope="repository:%s:pull"' % m.group(1)) if m else ""
                challenge = 'Bearer realm="http://%s/token",service="bench"%s' % (proxy.host, scope)
                return 401, {"WWW-Authenticate": challenge, "Content-Type": "application/json"}, b'{"errors":[]}'

            def forward(self):
                if proxy.token_auth:
                    answer = self.token_answer()
                    if answer is not None:
                        status, headers, data = answer
                        with proxy.lock:
                            proxy.requests.append((time.monotonic(), self.command, self.path, status))
                        self.send_response(status)
                        for k, v in headers.items():
                            self.send_header(k, v)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        if self.command != "HEAD":
                            self.wfile.write(data)
                        return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                host, port = proxy.upstream.split(":")
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                # Repeated headers (the engine sends one Accept per media type) joined, not collapsed to the last.
                headers = {}
                for k, v in self.headers.items():
                    if k.lower() not in ("host", "connection"):
                        headers[k] = headers[k] + ", " + v if k in headers else v
                if proxy.token_auth:
                    headers.pop("Authorization", None)
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read() if self.command != "HEAD" else b""
                with proxy.lock:
                    proxy.requests.append((time.monotonic(), self.command, self.path, resp.status))
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() in ("transfer-encoding", "connection", "content-length"):
                        continue
                    self.send_header(k, v)
                if self.command == "HEAD":
                    self.send_header("Content-Length", resp.getheader("Content-Length") or "0")
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data:
                    self.wfile.write(data)
                conn.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port

    def reset(self):
        with self.lock:
            self.requests = []

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def classify_registry(requests):
    counts = {"total": len(requests), "manifest_head": 0, "manifest_get": 0, "blob": 0, "token": 0, "other": 0}
    for _, method, path, _ in requests:
        if "/manifests/" in path and method == "HEAD":
            counts["manifest_head"] += 1
        elif "/manifests/" in path and method == "GET":
            counts["manifest_get"] += 1
        elif "/blobs/" in path:
            counts["blob"] += 1
        elif path.startswith("/token") or "token" in path:
            counts["token"] += 1
        else:
            counts["other"] += 1
    return counts


# --------------------------------------------------------------------------------------------------
# Docker: a Unix-socket proxy in front of /var/run/docker.sock that records every API request line.

# Searched, not matched at the line start: a request body (JSON, no CRLF at its end) runs straight into the
# next request line.
REQUEST_LINE = re.compile(rb"(GET|HEAD|POST|PUT|DELETE|PATCH) (/\S*) HTTP/1\.[01]$")


class CountingDockerProxy:
    def __init__(self, directory, upstream="/var/run/docker.sock", name="docker.sock"):
        self.path = os.path.join(directory, name)
        self.upstream = upstream
        self.requests = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(64)
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.upstream)
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src, dst, scan):
        pending = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if scan:
                    pending += data
                    *lines, pending = pending.split(b"\r\n")
                    pending = pending[-4096:]
                    for line in lines:
                        m = REQUEST_LINE.search(line)
                        if m:
                            with self.lock:
                                self.requests.append((time.monotonic(), m.group(1).decode(), m.group(2).decode()))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def reset(self):
        with self.lock:
            self.requests = []

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def close(self):
        self.closed = True
        self.sock.close()


def classify_docker(requests):
    counts = {"total": len(requests), "reads": 0, "writes": 0, "write_requests": []}
    for _, method, path in requests:
        if method in ("GET", "HEAD"):
            counts["reads"] += 1
        else:
            counts["writes"] += 1
            counts["write_requests"].append("%s %s" % (method, path))
    return counts


# --------------------------------------------------------------------------------------------------
# The agent as a process, with the systemd unit's JVM flags.

POLL_DONE_AT_INFO = "-Dorg.slf4j.simpleLogger.log.io.redeploy.agent.reconcile.Recorder=debug"


class AgentProcess:
    def __init__(self, workdir, config_yaml, extra_env=None, java="java", jvm_flags=None):
        self.workdir = workdir
        self.config_path = os.path.join(workdir, "agent.yml")
        with open(self.config_path, "w") as f:
            f.write(config_yaml)
        env = dict(os.environ, REDEPLOY_TRIGGER_TOKEN=TOKEN)
        env.update(unit_environment())
        env.update(extra_env or {})
        # poll.done is logged at DEBUG (an hourly poll.summary at INFO): the harness waits for it, so it is on.
        flags = unit_jvm_flags() if jvm_flags is None else jvm_flags
        self.cmd = [java] + flags + [POLL_DONE_AT_INFO, "-jar", JAR, "--config", self.config_path]
        self.jcmd = os.path.join(os.path.dirname(java), "jcmd") if os.path.dirname(java) else "jcmd"
        self.lines = []  # (monotonic time, text)
        self.cond = threading.Condition()
        self.log = open(os.path.join(workdir, "agent.log"), "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                     cwd=workdir, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            now = time.monotonic()
            self.log.write("%.3f %s" % (now - self.started, line))
            self.log.flush()
            with self.cond:
                self.lines.append((now, line.rstrip("\n")))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    @property
    def pid(self):
        return self.proc.pid

    def mark(self):
        with self.cond:
            return len(self.lines)

    def wait_for(self, needle, since=0, timeout=60.0):
        """Index and (time, line) of the first line at or after `since` containing `needle`."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(since, len(self.lines)):
                    if needle in self.lines[i][1]:
                        return i, self.lines[i]
                since = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError("agent: no line with %r within %.0fs (exit=%s); see %s"
                                       % (needle, timeout, self.proc.poll(), self.log.name))
                self.cond.wait(min(left, 1.0))

    def count(self, needle, since=0):
        with self.cond:
            return sum(1 for _, l in self.lines[since:] if needle in l)

    def trigger(self, http_port):
        req = urllib.request.Request("http://127.0.0.1:%d/v1/update" % http_port, method="POST", data=b"",
                                     headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status

    def rss_kb(self):
        for l in open("/proc/%d/status" % self.pid):
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
        return None

    def cpu_seconds(self):
        fields = open("/proc/%d/stat" % self.pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def live_heap_kb(self):
        """Heap in use right after a full GC (jcmd GC.run, then GC.heap_info): what a leak would grow."""
        subprocess.run([self.jcmd, str(self.pid), "GC.run"], capture_output=True, timeout=30)
        out = subprocess.run([self.jcmd, str(self.pid), "GC.heap_info"], capture_output=True, text=True, timeout=30).stdout
        # JDK 17 says "def new generation" / "tenured generation"; JDK 25 "DefNew" / "Tenured" and no Metaspace line.
        used = [int(m) for m in re.findall(
            r"(?:new generation|tenured generation|DefNew|Tenured)\s+total \d+K, used (\d+)K", out)]
        meta = re.search(r"Metaspace\s+used (\d+)K", out)
        if not meta:
            out = subprocess.run([self.jcmd, str(self.pid), "VM.metaspace", "basic"], capture_output=True, text=True,
                                 timeout=30).stdout
            meta = re.search(r"Metaspace\s+used (\d+)K", out)
        return {"heap_used_kb": sum(used) if used else None, "metaspace_used_kb": int(meta.group(1)) if meta else None}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=150)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def duration_ms(line):
    m = re.search(r"duration_ms=(\d+)", line)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------------
# Images and cleanup.

def build_image(ref, build_id, push=True):
    args = [os.path.join(ROOT, "scripts", "build-test-image.sh"), ref, str(build_id)]
    if not push:
        args.append("--no-push")
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def push(ref):
    subprocess.run(["docker", "push", "-q", ref], check=True, stdout=subprocess.DEVNULL)


def remove_service_containers(prefix):
    """Containers created by the agent for services named <prefix>..., and the .redeploy-old leftovers."""
    out = subprocess.run(["docker", "ps", "-aq", "--filter", "name=" + prefix], capture_output=True, text=True).stdout.split()
    if out:
        subprocess.run(["docker", "rm", "-f"] + out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remove_images(repo_substring):
    out = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"], capture_output=True,
                         text=True).stdout.splitlines()
    refs = [l.split()[0] for l in out if repo_substring in l]
    ids = {l.split()[1] for l in out if repo_substring in l}
    dangling = subprocess.run(["docker", "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}"],
                              capture_output=True, text=True).stdout.splitlines()
    refs += [d for d in dangling if repo_substring in d and not d.endswith("@<none>")]
    if refs:
        subprocess.run(["docker", "rmi", "-f"] + refs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if ids:
        subprocess.run(["docker", "rmi", "-f"] + list(ids), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def http_get(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode().strip()
    except Exception as e:  # any failure is a failed probe
        return None, str(e)


def wait_http(url, expected_body, timeout=60.0, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = http_get(url, timeout=1.0)
        if status == 200 and body == expected_body:
            return time.monotonic()
        time.sleep(every)
    raise RuntimeError("%s did not answer %r within %.0fs" % (url, expected_body, timeout))
