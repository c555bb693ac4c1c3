package io.redeploy.agent.traffic.haproxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real HAProxy (Debian's {@value #BINARY}, in the foreground) on a free loopback port with its admin runtime socket
 * in a temporary folder: a plain HTTP frontend sending each service's host names to backend {@code be_<service>},
 * whose two server slots {@code blue} and {@code green} start disabled at a placeholder address. Fails (never skips)
 * when the binary is missing.
 */
public final class HaproxyProcess implements AutoCloseable {
    public static final String BINARY = "/usr/sbin/haproxy";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int httpPort;
    private Process process;

    private HaproxyProcess(Path dir, int httpPort) {
        this.dir = dir;
        this.httpPort = httpPort;
    }

    /** {@code services}: service name to its host names. */
    public static HaproxyProcess start(Map<String, List<String>> services) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's haproxy package (.ci/run does)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HaproxyProcess haproxy = new HaproxyProcess(Files.createTempDirectory("redeploy-haproxy-it-"), port);
        Files.writeString(haproxy.configFile(), haproxy.config(services));
        haproxy.run();
        return haproxy;
    }

    public static String backend(String service) {
        return "be_" + service;
    }

    public Path socket() {
        return dir.resolve("admin.sock");
    }

    public int httpPort() {
        return httpPort;
    }

    public static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY, "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("?").replaceAll("HA-?Proxy version (\\S+).*", "$1");
    }

    /** SIGKILL, then waits for the end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts again from the config file: runtime changes are gone. */
    public void startAgain() throws IOException, InterruptedException {
        run();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("haproxy.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void run() throws IOException, InterruptedException {
        Files.deleteIfExists(socket());
        process = new ProcessBuilder(BINARY, "-db", "-f", configFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("haproxy.log").toFile()))
                .start();
        HaproxyRuntime runtime = new HaproxyRuntime(socket(), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                runtime.ping();
                return;
            } catch (HaproxyRuntimeException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("haproxy did not start:\n" + logTail(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    private Path configFile() {
        return dir.resolve("haproxy.cfg");
    }

    private String config(Map<String, List<String>> services) {
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "    stats socket " + socket() + " mode 600 level admin",
                "defaults",
                "    mode http",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    timeout tunnel 1h",
                "frontend fe_http",
                "    bind 127.0.0.1:" + httpPort));
        services.forEach((service, hosts) -> {
            lines.add("    acl host_" + service + " hdr(host),field(1,:) -i " + String.join(" ", hosts));
            lines.add("    use_backend " + backend(service) + " if host_" + service);
        });
        lines.add("    default_backend be_no_route");
        lines.add("backend be_no_route");
        lines.add("    http-request return status 404 content-type text/plain string \"no route\"");
        services.keySet().forEach(service -> {
            lines.add("backend " + backend(service));
            lines.add("    server blue 127.0.0.1:1 disabled");
            lines.add("    server green 127.0.0.1:1 disabled");
        });
        return String.join("\n", lines) + "\n";
    }
}
