package io.redeploy.agent.it;

import io.redeploy.agent.it.compose.LocalImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The kill loop on the real survey stack: {@code base} is PostgreSQL 15 (scripts/build-postgres-image.sh) on a named
 * volume, with the pg_dump {@code pre_update} hook of the example config; {@code web} (stop-first, published port,
 * adopted when started by hand) and {@code front} (start-first behind the agent's port) are survey-app
 * (scripts/build-survey-image.sh) on that database, both restarted when it is replaced. A build is the image plus
 * a label {@code it.build}; a broken app build never answers {@code /health} on 8000 (the {@code unhealthy}
 * variant), a broken database build never listens on 5432.
 */
final class SurveyBuilds implements KillLoopBuilds {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(45);
    private static final String PASSWORD = "kill-loop-db-password";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String run;
    private final String network;
    private final String volume;
    private final Path contexts;

    SurveyBuilds(String run) {
        this.run = run;
        this.network = "kl-" + run;
        this.volume = "kl-" + run + "-pg";
        try {
            this.contexts = Files.createTempDirectory("kill-loop-builds");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Built and pushed once per machine (minutes on a fresh one); later runs find them in the registry.
        LocalImages.surveyApp();
        LocalImages.surveyAppUnhealthy();
        LocalImages.postgres();
    }

    @Override
    public String kind() {
        return "survey";
    }

    @Override
    public Duration healthTimeout() {
        return HEALTH_TIMEOUT;
    }

    @Override
    public Duration stopTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public String serviceYaml(KillLoopStack stack, KillLoopStack.Service s) {
        String gate = ", timeout: " + HEALTH_TIMEOUT.toSeconds() + "s, interval: 500ms }\n";
        if (s.key.equals("base")) {
            return "    env: { POSTGRES_USER: survey, POSTGRES_DB: survey, POSTGRES_PASSWORD: " + PASSWORD + " }\n"
                    + "    volumes: [\"" + volume + ":/var/lib/postgresql/data\"]\n"
                    + "    network: " + network + "\n    network_aliases: [db]\n"
                    + "    ports: [\"127.0.0.1:" + s.port + ":5432\"]\n"
                    + "    health: { type: tcp, port: 5432" + gate
                    + "    hooks:\n      pre_update:\n        exec: [pg_dump, -U, survey, survey]\n"
                    + "        timeout: 60s\n        output_dir: " + stack.stateDir.resolve("backups") + "\n"
                    + "        output_extension: sql\n        keep: 3\n";
        }
        String app = "    env: { PORT: \"8000\", DATABASE_URL: \"postgres://db:5432/survey\", DB_USER: survey,"
                + " DB_PASSWORD: " + PASSWORD + ", COOKIE_SECURE: \"false\" }\n"
                + "    network: " + network + "\n"
                + "    health: { type: http, port: 8000, path: /health" + gate
                + "    depends_on: [base]\n    restart_on_dependency_update: true\n";
        return app
                + (s.key.equals("web")
                        ? "    ports: [\"127.0.0.1:" + s.port + ":8000\"]\n    adopt: spec\n"
                        : "    strategy: start-first\n"
                                + "    proxy: { listen: \"127.0.0.1:" + s.port
                                + "\", container_port: 8000, drain: 1s }\n");
    }

    @Override
    public int deployMs(KillLoop.Scenario scenario, boolean broken) {
        if (broken) {
            return 55_000; // a whole 45 s gate, the stop and the rollback
        }
        return scenario == KillLoop.Scenario.DEPENDENT ? 30_000 : 15_000;
    }

    @Override
    public void publish(KillLoopStack.Service s, String build, boolean broken) {
        boolean database = s.key.equals("base");
        String from =
                database ? LocalImages.postgres() : broken ? LocalImages.surveyAppUnhealthy() : LocalImages.surveyApp();
        StringBuilder dockerfile =
                new StringBuilder("FROM " + from + "\nLABEL it.build=\"" + build + "\" kl.run=\"" + run + "\"\n");
        if (database && broken) {
            dockerfile.append("ENTRYPOINT [\"/bin/sh\", \"-c\", \"exec sleep 3600\"]\n");
        }
        String ref = s.image() + ":main";
        try {
            Path context = Files.createDirectories(contexts.resolve(s.key + "-" + build));
            Files.writeString(context.resolve("Dockerfile"), dockerfile.toString());
            LocalStack.exec("docker", "build", "-q", "-t", ref, context.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStack.exec("docker", "push", "-q", ref);
    }

    @Override
    public Optional<String> answer(KillLoopStack.Service s) {
        boolean up = s.key.equals("base") ? accepts(s.port) : health(s.port);
        if (!up) {
            return Optional.empty();
        }
        try {
            String build =
                    LocalStack.exec("docker", "inspect", "-f", "{{index .Config.Labels \"it.build\"}}", s.container);
            return Optional.of("build=" + build.trim());
        } catch (IllegalStateException gone) {
            return Optional.empty();
        }
    }

    private static boolean health(int port) {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean restartsWithBase(KillLoopStack.Service s) {
        return !s.key.equals("base");
    }

    @Override
    public UptimeProbe.Target probe(KillLoopStack.Service s) {
        return s.key.equals("base") ? UptimeProbe.Target.tcp(s.port) : UptimeProbe.Target.ok(s.port, "/health");
    }

    @Override
    public void runByHand(KillLoopStack.Service s) {
        LocalStack.exec(
                "docker",
                "run",
                "-d",
                "--name",
                s.container,
                "--network",
                network,
                "-p",
                "127.0.0.1:" + s.port + ":8000",
                "-e",
                "PORT=8000",
                "-e",
                "DATABASE_URL=postgres://db:5432/survey",
                "-e",
                "DB_USER=survey",
                "-e",
                "DB_PASSWORD=" + PASSWORD,
                "-e",
                "COOKIE_SECURE=false",
                "--restart",
                "unless-stopped",
                s.image() + "@" + s.expectedDigest);
    }

    /** Drops the run's builds (every image with its label), its network and the database volume (containers are removed before). */
    @Override
    public void close() {
        String builds = LocalStack.exec("docker", "images", "-q", "--filter", "label=kl.run=" + run);
        for (String id : builds.lines().distinct().toList()) {
            try {
                LocalStack.exec("docker", "rmi", "-f", id);
            } catch (IllegalStateException inUseOrGone) {
            }
        }
        for (String[] command : List.of(
                new String[] {"docker", "network", "rm", network}, new String[] {"docker", "volume", "rm", volume})) {
            try {
                LocalStack.exec(command);
            } catch (IllegalStateException gone) {
            }
        }
    }
}
