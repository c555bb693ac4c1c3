package io.redeploy.agent.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The three services a kill loop deploys, the agent config that watches them, and what the engine holds for them
 * ({@link KillLoopBuilds} gives the images and the per-kind keys):
 * <ul>
 *   <li>{@code web}: stop-first with a published port and a health gate ({@code adopt: spec}, so an unmanaged
 *       container started by hand is replaced at its first new build);
 *   <li>{@code base}: stop-first, a dependency of {@code front} (and of {@code web} on the survey stack);
 *   <li>{@code front}: start-first behind the agent's own port ({@code proxy:}), restarted when {@code base} is
 *       redeployed ({@code depends_on}, {@code restart_on_dependency_update}).
 * </ul>
 */
final class KillLoopStack {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One watched service: where it is published, the build it must end on. */
    static final class Service {
        final String key;
        final String repository;
        final String container;
        final int port = LocalStack.freePort();
        int builds;
        String expectedBuild = "";
        String expectedDigest = "";
        /** Runs a container the agent did not create (no labels): its digest is not on a label. */
        boolean adopted;

        Service(String key, String run) {
            this.key = key;
            this.repository = "kl/" + run + "-" + key;
            this.container = "kl-" + key + "-" + run;
        }

        String image() {
            return LocalStack.REGISTRY + "/" + repository;
        }
    }

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final Service web = new Service("web", run);
    final Service base = new Service("base", run);
    final Service front = new Service("front", run);
    final int httpPort = LocalStack.freePort();
    final Path stateDir;
    final Path config;

    final KillLoopBuilds builds;

    KillLoopStack(Path dir) {
        this.stateDir = dir.resolve("state");
        this.config = dir.resolve("agent.yml");
        this.builds = KillLoopBuilds.fromSystemProperty(run);
        StringBuilder yaml = new StringBuilder("state_dir: " + stateDir + "\n"
                + "schedule: { interval: " + POLL_INTERVAL.toSeconds() + "s }\n"
                + "http: { listen: \"127.0.0.1:" + httpPort + "\", trigger_token_env: " + AgentProcess.TOKEN_ENV
                + " }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + "services:\n");
        for (Service s : services()) {
            yaml.append("  ")
                    .append(s.key)
                    .append(":\n")
                    .append("    image: ")
                    .append(s.image())
                    .append("\n")
                    .append("    tag: main\n")
                    .append("    container_name: ")
                    .append(s.container)
                    .append("\n")
                    .append("    stop_timeout: ")
                    .append(builds.stopTimeout().toSeconds())
                    .append("s\n")
                    .append(builds.serviceYaml(this, s));
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Service> services() {
        return List.of(web, base, front);
    }

    /** What the uptime probe asks of each service's public port. */
    Map<String, UptimeProbe.Target> probeTargets() {
        Map<String, UptimeProbe.Target> targets = new LinkedHashMap<>();
        services().forEach(s -> targets.put(s.key, builds.probe(s)));
        return targets;
    }

    /** After agent.started: recovery may stop the old container, judge the new one for a whole gate, roll back. */
    Duration wholeWithin() {
        return builds.healthTimeout().plus(builds.stopTimeout()).plusSeconds(3);
    }

    /** The digest the registry gives for the service's tag now. */
    String registryDigest(Service s) {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://" + LocalStack.REGISTRY + "/v2/" + s.repository + "/manifests/main"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .header(
                                    "Accept",
                                    "application/vnd.docker.distribution.manifest.v2+json,"
                                            + "application/vnd.oci.image.manifest.v1+json")
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A container as the engine lists it. */
    record Container(String name, String state, String digestLabel) {}

    /** Every container of this run (running or not). */
    List<Container> containers() {
        String out = LocalStack.exec(
                "docker",
                "ps",
                "-a",
                "--filter",
                "name=-" + run,
                "--format",
                "{{.Names}}|{{.State}}|{{.Label \"redeploy-agent.digest\"}}");
        List<Container> containers = new ArrayList<>();
        for (String line : out.isEmpty() ? new String[0] : out.split("\n")) {
            String[] f = line.trim().split("\\|", -1);
            containers.add(new Container(f[0], f[1], f.length > 2 ? f[2] : ""));
        }
        return containers;
    }

    /** Why the service is not whole (one container under its name, running, nothing aside), or empty. */
    static Optional<String> notWhole(Service s, List<Container> containers) {
        List<Container> mine = containers.stream()
                .filter(c -> c.name().startsWith(s.container))
                .toList();
        if (mine.size() == 1
                && mine.get(0).name().equals(s.container)
                && mine.get(0).state().equals("running")) {
            return Optional.empty();
        }
        return Optional.of(s.key + " not whole: " + mine);
    }

    /** Everything that can be said against the service's end state: whole, on the expected build and digest. */
    List<String> problems(Service s, List<Container> containers) {
        List<String> problems = new ArrayList<>();
        notWhole(s, containers).ifPresent(problems::add);
        Optional<String> answer = builds.answer(s);
        if (!answer.equals(Optional.of("build=" + s.expectedBuild))) {
            problems.add(s.key + " answers " + answer.orElse("nothing") + ", expected build=" + s.expectedBuild);
        }
        containers.stream()
                .filter(c -> c.name().equals(s.container))
                .findFirst()
                .filter(c -> !s.adopted && !KillLoopVerdict.sameDigest(c.digestLabel(), s.expectedDigest))
                .ifPresent(c ->
                        problems.add(s.key + " runs digest " + c.digestLabel() + ", expected " + s.expectedDigest));
        return problems;
    }

    /**
     * A dependent that was not restarted since {@code base}'s container was created: a restart the agent skipped (e.g.
     * killed before its turn). Empty when every dependent started after it.
     */
    List<String> unrestartedDependents() {
        Instant baseCreated = Instant.parse(LocalStack.exec("docker", "inspect", "-f", "{{.Created}}", base.container)
                .trim());
        List<String> problems = new ArrayList<>();
        for (Service s : services()) {
            if (!builds.restartsWithBase(s)) continue;
            Instant started =
                    Instant.parse(LocalStack.exec("docker", "inspect", "-f", "{{.State.StartedAt}}", s.container)
                            .trim());
            if (started.isBefore(baseCreated)) {
                problems.add(s.key + " not restarted after base was recreated (started " + started + ", base created "
                        + baseCreated + ")");
            }
        }
        return problems;
    }

    /** The journal entries the agent left (service: strategy/step), read after a kill. */
    String journal() {
        Path dir = stateDir.resolve("journal");
        List<String> entries = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String first = Files.readString(f).split("\n", 2)[0];
                String strategy = field(first, "strategy");
                String step = field(first, "step");
                entries.add(f.getFileName().toString().replace(".json", "") + ":" + strategy + "/" + step);
            }
        } catch (IOException e) {
            return "";
        }
        return String.join(",", entries);
    }

    private static String field(String json, String key) {
        int i = json.indexOf("\"" + key + "\":\"");
        if (i < 0) return "?";
        int from = i + key.length() + 4;
        return json.substring(from, json.indexOf('"', from));
    }

    /** Removes the containers of this run (only ours: every name carries the run id), then its builds. */
    void removeContainersAndBuilds() {
        for (Container c : containers()) {
            try {
                LocalStack.exec("docker", "rm", "-f", c.name());
            } catch (IllegalStateException gone) {
            }
        }
        builds.close();
    }
}
