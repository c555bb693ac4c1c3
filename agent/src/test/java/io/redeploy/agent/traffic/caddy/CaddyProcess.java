package io.redeploy.agent.traffic.caddy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code caddy run} of Debian's binary ({@value #BINARY}) on free loopback ports, with its state (certificates,
 * autosaved config, log) in a temporary folder: the admin API on {@code 127.0.0.1:<admin>}, a plain HTTP server
 * {@value #PLAIN} and an HTTPS server {@value #TLS} whose certificates come from Caddy's local CA ({@code tls internal})
 * for any host name. Each server's fallback route answers {@code 404 no route}. Fails (never skips) when the binary
 * is missing.
 */
public final class CaddyProcess implements AutoCloseable {
    public static final String BINARY = "/usr/bin/caddy";
    public static final String PLAIN = "plain";
    public static final String TLS = "tls";
    public static final String NO_ROUTE = "no route";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int adminPort;
    private final int httpPort;
    private final int httpsPort;
    private Process process;

    private CaddyProcess(Path dir, int adminPort, int httpPort, int httpsPort) {
        this.dir = dir;
        this.adminPort = adminPort;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    public static CaddyProcess start() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's caddy package (.ci/run does)");
        }
        int[] ports = freePorts(3);
        CaddyProcess caddy =
                new CaddyProcess(Files.createTempDirectory("redeploy-caddy-it-"), ports[0], ports[1], ports[2]);
        Files.writeString(caddy.configFile(), caddy.config());
        caddy.run(List.of("--config", caddy.configFile().toString()));
        return caddy;
    }

    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + adminPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** Caddy's local CA root certificate (PEM), for a client that trusts {@code tls internal}. */
    public Path rootCertificate() {
        return dir.resolve("data/caddy/pki/authorities/local/root.crt");
    }

    /** {@code caddy version}'s first word, e.g. {@code 2.6.2}. */
    public static String version() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(BINARY, "version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.split("\\s+")[0];
    }

    /** Kills the process (SIGKILL: no graceful shutdown) and waits for its end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts again with the original config file, as Debian's {@code caddy.service} does. */
    public void startFromConfigFile() throws IOException, InterruptedException {
        run(List.of("--config", configFile().toString()));
    }

    /** Starts again with {@code --resume} (the last config autosaved), as Debian's {@code caddy-api.service} does. */
    public void startResumed() throws IOException, InterruptedException {
        run(List.of("--resume"));
    }

    /** {@code caddy reload --config <original> --force}, as Debian's {@code caddy.service} reloads. */
    public void reloadConfigFile() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        BINARY,
                        "reload",
                        "--config",
                        configFile().toString(),
                        "--address",
                        "127.0.0.1:" + adminPort,
                        "--force")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("caddy reload failed: " + out);
        }
    }

    /** The last lines of Caddy's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("caddy.log"));
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

    private void run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY, "run"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("caddy.log").toFile()));
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        process = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!adminAnswers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "caddy did not start (admin 127.0.0.1:" + adminPort + "):\n" + logTail());
            }
            Thread.sleep(50);
        }
    }

    private boolean adminAnswers() {
        try {
            HttpURLConnection c =
                    (HttpURLConnection) adminUrl().resolve("/config/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private Path configFile() {
        return dir.resolve("caddy.json");
    }

    private String config() {
        String fallback =
                "[{\"handle\":[{\"handler\":\"static_response\",\"status_code\":404,\"body\":\"" + NO_ROUTE + "\"}]}]";
        return """
                {"admin": {"listen": "127.0.0.1:%d"},
                 "logging": {"logs": {"default": {"level": "INFO"}}},
                 "apps": {
                  "http": {"http_port": %d, "https_port": %d, "servers": {
                    "%s": {"listen": ["127.0.0.1:%d"], "automatic_https": {"disable": true}, "routes": %s},
                    "%s": {"listen": ["127.0.0.1:%d"], "protocols": ["h1", "h2"],
                           "automatic_https": {"disable_redirects": true}, "routes": %s}}},
                  "tls": {"automation": {"policies": [{"issuers": [{"module": "internal"}]}]}},
                  "pki": {"certificate_authorities": {"local": {"install_trust": false}}}}}
                """.formatted(adminPort, httpPort, httpsPort, PLAIN, httpPort, fallback, TLS, httpsPort, fallback);
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return ports;
    }
}
