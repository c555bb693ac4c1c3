package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7, "Docker: daemon restarted in the middle of a deploy": the packaged agent (a child JVM, as systemd runs
 * it) deploys a new build of a service (restart policy {@code unless-stopped}, a published port, an HTTP health
 * gate) while the real dockerd is restarted with {@code scripts/dev-stack.sh restart-docker}, at three points of
 * the deploy. Without live-restore, the daemon's shutdown kills every container; those with a restart policy come
 * back with the daemon, a container the agent had stopped does not.
 *
 * <p>After each restart, without restarting the agent: the agent process is still the same one; within a bound the
 * service is whole again (exactly one container under its name, running, answering build 1 or build 2, never
 * none, never both, no {@code .redeploy-old} or {@code .redeploy-new} left); {@code /status} says which build runs;
 * and a later trigger deploys build 2. The time from the restart being done to the service whole is printed as
 * {@code reliability fault=docker-restart-<point> recovery_ms=...} for docs/reliability.md.
 *
 * <p>A daemon restart kills the containers of every other test, so this class runs alone: its own failsafe
 * execution after all other ITs (agent/pom.xml). It fails, never skips, when dockerd was not started by
 * scripts/dev-stack.sh (a system service's daemon is not ours to restart).
 */
class DockerRestartIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    /** From the restart being done to the stack whole: the daemon's container restarts plus the agent's own retry. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
    /** The test image's httpd (PID 1) ignores SIGTERM: each stop of the old container takes this long. */
    private static final String STOP_TIMEOUT = "3s";
    /** Longer than the slow build's 8 s start, so that build is healthy, late. */
    private static final String HEALTH = "{ type: http, port: 8080, path: /, timeout: 30s, interval: 200ms }";

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final TestImages IMAGES = new TestImages();

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> containerNames = new ArrayList<>();
    private final List<String> repositories = new ArrayList<>();
    private AgentProcess agent;

    @BeforeAll
    static void requireARestartableDaemon() {
        LocalStack.requireRunning();
        AgentProcess.jar();
        Path pidFile = stackDir().resolve("dockerd.pid");
        String pid = "";
        String comm = "";
        try {
            pid = Files.readString(pidFile).trim();
            comm = Files.readString(Path.of("/proc", pid, "comm")).trim();
        } catch (IOException | RuntimeException e) {
            // reported below
        }
        if (!"dockerd".equals(comm)) {
            throw new IllegalStateException("DockerRestartIT restarts the dockerd started by scripts/dev-stack.sh, but "
                    + pidFile + " names no running dockerd (pid '" + pid
                    + "'); start the stack with scripts/dev-stack.sh up "
                    + "(or set REDEPLOY_STACK_DIR to the directory of the dev-stack that started it)");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            // What the agent did, for the report (and for a failure): its deploy and recovery events.
            agent.stdout()
                    .lines()
                    .filter(l -> l.contains("event=deploy.")
                            || l.contains("event=recover")
                            || l.contains("event=poll.skipped"))
                    .forEach(l -> System.out.println("agent: " + l));
        }
        for (AutoCloseable c : closeables) c.close();
        for (String name : containerNames) {
            LocalStack.removeContainersNamed(name);
        }
        // What the agent pulled (through the proxy's port too) and the builds pushed, by reference only: an image id
        // may be shared with TestImages' cache.
        String refs = LocalStack.exec(
                "docker", "images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}");
        for (String ref : refs.split("\\s+")) {
            boolean ours =
                    repositories.stream().anyMatch(r -> ref.contains("/" + r + ":") || ref.contains("/" + r + "@"));
            if (ours && !ref.endsWith(":<none>") && !ref.endsWith("@<none>")) {
                FaultStack.tryExec("docker", "rmi", ref);
            }
        }
    }

    @AfterAll
    static void leaveAnEngine() {
        try {
            LocalStack.exec("docker", "version");
        } catch (IllegalStateException down) {
            // A failed restart must not leave everyone else without an engine: the script starts one when none runs.
            restartDocker();
        }
        IMAGES.close();
    }

    /** Where in the deploy the daemon is restarted. */
    enum RestartPoint {
        /** The new build's blobs are being downloaded (held by a proxy in front of the registry). */
        DURING_THE_PULL,
        /** The old container stopped and renamed aside, the new one started and not healthy yet (8 s to its first answer). */
        DURING_THE_HEALTH_WAIT,
        /** The old container renamed aside and being stopped by the agent; no new container yet. */
        OLD_CONTAINER_ASIDE
    }

    @ParameterizedTest
    @EnumSource(RestartPoint.class)
    void aDaemonRestartMidDeployEndsWithTheServiceWholeAndTheNextTriggerDeploysTheNewBuild(RestartPoint point) {
        FaultyRegistryProxy proxy = new FaultyRegistryProxy(5000);
        closeables.add(proxy);
        Service s = new Service(
                point, point == RestartPoint.DURING_THE_PULL ? "127.0.0.1:" + proxy.port() : LocalStack.REGISTRY);
        IMAGES.publish(s.pushRef(), "1-" + RUN);
        agent = s.startAgent();
        closeables.add(agent);
        agent.awaitLog("event=poll.done", STEP);
        awaitUntil("build 1 deployed", STEP, () -> s.isWhole("1-" + RUN));
        String digest1 = s.registryDigest();

        String build2 = "2-" + point.name().toLowerCase().replace('_', '-') + "-" + RUN;
        switch (point) {
            case DURING_THE_PULL -> {
                // Its own build, not in the engine: the pull has blobs to download, and they are held.
                LocalStack.pushTestImage(s.pushRef(), build2);
                LocalStack.exec("docker", "rmi", s.pushRef());
                proxy.holdBlobDownloads();
            }
            case DURING_THE_HEALTH_WAIT -> IMAGES.publish(s.pushRef(), build2, "slow");
            case OLD_CONTAINER_ASIDE -> IMAGES.publish(s.pushRef(), build2);
        }
        String digest2 = s.registryDigest();
        String oldId = s.containerId();
        int mark = agent.mark();
        Instant triggered = Instant.now();
        assertThat(agent.triggerPoll()).isEqualTo(202);

        switch (point) {
            case DURING_THE_PULL -> {
                agent.awaitLog(mark, "event=deploy.start", STEP);
                awaitUntil("a blob download of the pull held", STEP, () -> proxy.blobsHeld() > 0);
            }
            case DURING_THE_HEALTH_WAIT ->
                awaitUntil("the new container in its health wait", STEP, () -> {
                    Map<String, String> stack = s.containers();
                    return "exited".equals(stack.get(s.aside()))
                            && "running".equals(stack.get(s.name))
                            && !agent.logSince(mark).contains("event=deploy.healthy");
                });
            case OLD_CONTAINER_ASIDE -> {
                agent.awaitLog(mark, "event=deploy.pulled", STEP);
                // The agent renamed the old container aside and asked the engine to stop it (SIGTERM sent, ignored).
                EngineEvents.awaitFirst(oldId, "kill", triggered, STEP);
                assertThat(s.containers()).containsKey(s.aside());
            }
        }
        Map<String, String> before = s.containers();
        Instant restartStarted = Instant.now();
        restartDocker();
        Instant restarted = Instant.now();
        proxy.heal();
        Duration restartTook = Duration.between(restartStarted, restarted);

        // Two times: the service answering again (any build, possibly still with a container aside), and whole.
        Instant[] answered = new Instant[1];
        awaitUntil("the service whole again after the daemon restart", RECOVERY_BOUND, () -> {
            boolean whole = s.isWhole("1-" + RUN) || s.isWhole(build2);
            // Whole implies answering: the first answer may come on the very probe that finds it whole.
            if (answered[0] == null && (whole || s.answer().isPresent())) answered[0] = Instant.now();
            return whole;
        });
        Duration recovery = Duration.between(restarted, Instant.now());
        String serving = s.answer().orElseThrow();
        System.out.println(
                "reliability fault=docker-restart-" + point.name().toLowerCase().replace('_', '-')
                        + " recovery_ms=" + recovery.toMillis() + " answering_ms="
                        + Duration.between(restarted, answered[0]).toMillis()
                        + " restart_ms=" + restartTook.toMillis() + " restart_done=" + restarted
                        + " serving=" + serving + " containers_before_restart=" + before);

        assertThat(agent.isAlive())
                .as("the agent survived the daemon restart\n%s", agent.stdout())
                .isTrue();
        assertThat(agent.count("event=agent.started")).isEqualTo(1);
        // What the agent does next (finish its recovery, deploy build 2 again) must end whole, and /status must agree.
        awaitUntil(
                "the agent settled, whole, with /status telling the truth",
                RECOVERY_BOUND,
                () -> settled(agent, s, digest1, digest2, build2));

        int later = agent.mark();
        assertThat(agent.triggerPoll()).isEqualTo(202);
        agent.awaitLog(later, "event=poll.done", STEP);
        awaitUntil("build 2 deployed by a later trigger", STEP, () -> s.isWhole(build2));
        JsonNode status = s.status(agent);
        assertThat(status.path("runningDigest").asText()).isEqualTo(digest2);
        assertThat(status.path("lastDeploy").path("to").asText()).isEqualTo(digest2);
        assertThat(status.path("lastDeploy").path("outcome").asText()).isEqualTo("deployed");
        assertThat(agent.isAlive()).isTrue();
        assertThat(s.containers()).containsOnlyKeys(s.name);
    }

    /** Whole on build 1 or 2 and /status says which; the digest of build 2 is not held against it. */
    private static boolean settled(AgentProcess agent, Service s, String digest1, String digest2, String build2) {
        Optional<String> answer = s.answer();
        if (answer.isEmpty() || !s.containers().keySet().equals(java.util.Set.of(s.name))) {
            return false;
        }
        String expected = answer.get().equals("build=" + build2) ? digest2 : digest1;
        JsonNode status = s.status(agent);
        boolean runningTold = expected.equals(status.path("runningDigest").asText());
        boolean notFailed = !status.path("failedDigests").toString().contains(digest2);
        boolean deployTold = expected.equals(digest1)
                || (digest2.equals(status.path("lastDeploy").path("to").asText())
                        && "deployed"
                                .equals(status.path("lastDeploy")
                                        .path("outcome")
                                        .asText()));
        if (!(runningTold && notFailed && deployTold)) {
            // /status is refreshed by the next poll; the agent polls by itself only while it has something to heal.
            agent.triggerPoll();
            AgentProcess.pause(Duration.ofSeconds(1));
            return false;
        }
        return true;
    }

    static Path stackDir() {
        String env = System.getenv("REDEPLOY_STACK_DIR");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : LocalStack.repoRoot().resolve(".dev-stack");
    }

    private static void restartDocker() {
        LocalStack.exec(
                "bash", LocalStack.repoRoot().resolve("scripts/dev-stack.sh").toString(), "restart-docker");
    }

    private static void awaitUntil(String what, Duration atMost, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(atMost);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + atMost + ": " + what);
            }
            AgentProcess.pause(Duration.ofMillis(100));
        }
    }

    /** One watched service with its own repository, container name, published port, config and state dir. */
    private final class Service {
        final String repository;
        final String registry;
        final String name;
        final int hostPort = LocalStack.freePort();
        final int httpPort = LocalStack.freePort();
        final Path config;

        Service(RestartPoint point, String registry) {
            String label = switch (point) {
                case DURING_THE_PULL -> "pull";
                case DURING_THE_HEALTH_WAIT -> "health";
                case OLD_CONTAINER_ASIDE -> "aside";
            };
            this.repository = LocalStack.uniqueRepository("dr/" + label);
            repositories.add(repository);
            this.registry = registry;
            this.name = "dr-" + label + "-" + repository.substring(repository.length() - 8);
            containerNames.add(name);
            String yaml = "state_dir: " + dir.resolve("state-" + label) + "\n"
                    + "schedule: { interval: 1h }\n"
                    + "http: { listen: \"127.0.0.1:" + httpPort + "\", trigger_token_env: " + AgentProcess.TOKEN_ENV
                    + " }\n"
                    + "registries:\n  \"" + registry + "\": { insecure: true }\n"
                    + "services:\n"
                    + "  web:\n"
                    + "    image: " + registry + "/" + repository + "\n"
                    + "    tag: main\n"
                    + "    container_name: " + name + "\n"
                    + "    ports: [\"127.0.0.1:" + hostPort + ":8080\"]\n"
                    + "    restart_policy: unless-stopped\n"
                    + "    health: " + HEALTH + "\n"
                    + "    stop_timeout: " + STOP_TIMEOUT + "\n";
            try {
                this.config = Files.writeString(dir.resolve("agent-" + label + ".yml"), yaml);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Where the tests push: the real registry (the agent may watch it through the proxy). */
        String pushRef() {
            return LocalStack.REGISTRY + "/" + repository + ":main";
        }

        String aside() {
            return name + ".redeploy-old";
        }

        AgentProcess startAgent() {
            return AgentProcess.start(dir, "agent-" + name, httpPort, "--config", config.toString());
        }

        String containerId() {
            return LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", name);
        }

        Optional<String> answer() {
            return LocalStack.answer(hostPort);
        }

        /** Exactly one container, under the name, running and answering {@code build}; nothing aside or half-started. */
        boolean isWhole(String build) {
            try {
                return answer().equals(Optional.of("build=" + build))
                        && containers().equals(Map.of(name, "running"));
            } catch (IllegalStateException engineNotAnswering) {
                return false;
            }
        }

        /** Every container whose name starts with the service's (the name, .redeploy-old, .redeploy-new), with its state. */
        Map<String, String> containers() {
            Map<String, String> states = new LinkedHashMap<>();
            String out = LocalStack.exec(
                    "docker", "ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}} {{.State}}");
            for (String line : out.isEmpty() ? new String[0] : out.split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts[0].startsWith(name)) {
                    states.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
            return states;
        }

        /** The registry's digest of :main, as the agent sees it (HEAD on the manifest). */
        String registryDigest() {
            HttpRequest head = HttpRequest.newBuilder(
                            URI.create("http://" + LocalStack.REGISTRY + "/v2/" + repository + "/manifests/main"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header(
                            "Accept",
                            "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                    .timeout(Duration.ofSeconds(10))
                    .build();
            try {
                return HTTP.send(head, HttpResponse.BodyHandlers.discarding())
                        .headers()
                        .firstValue("Docker-Content-Digest")
                        .orElseThrow(() -> new IllegalStateException("no digest for " + repository));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** GET /status?service=web: what the agent tells an operator. */
        JsonNode status(AgentProcess agent) {
            try {
                return JSON.readTree(agent.get("/status?service=web").body())
                        .path("services")
                        .path(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
