package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.it.compose.CaddySite;
import io.redeploy.agent.it.compose.CommandResult;
import io.redeploy.agent.it.compose.ComposeEnv;
import io.redeploy.agent.it.compose.ComposeStack;
import io.redeploy.agent.it.compose.LocalImages;
import io.redeploy.agent.it.compose.SiteProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose-first path as a team runs it: the survey stack started by {@code docker-compose up -d} (the real
 * survey-app and PostgreSQL 15 images, Caddy in front with {@code tls internal}), the agent installed with
 * systemd/agent.example.yml (only the addresses and names changed for this machine), a healthy and then a broken build
 * pushed. Both deploys are start-first through Caddy's admin API while a visitor requests the site over HTTPS through
 * Caddy every {@link SiteProbe#EVERY}: not one request fails. Afterwards compose still owns the stack: every compose
 * command works, the app container is the one compose made with only its image and the agent's labels changed, the
 * data is still there, and the broken build was rolled back with compose none the wiser.
 */
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ComposeFirstAgentIT {
    private static final Duration DEPLOY = Duration.ofMinutes(4);
    /** The site's page the visitor requests: answers 200 only when the app reaches its database. */
    private static final String PAGE = "/health";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "kept-across-deploys-" + UUID.randomUUID();

    private Path directory;
    private ComposeStack stack;
    private ComposeEnv env;
    private String repository;
    private AgentProcess agent;
    private CaddySite site;
    private JsonNode webBefore;
    private String build2Id;
    private final List<String> builds = new ArrayList<>();

    @BeforeAll
    void startStackAndAgent(@TempDir Path dir) throws IOException {
        directory = dir;
        LocalStack.requireRunning();
        repository = LocalStack.REGISTRY + "/" + LocalStack.uniqueRepository("survey/compose-first");
        String build1 = repository + ":main";
        LocalStack.exec("docker", "tag", LocalImages.surveyApp(), build1);
        LocalStack.exec("docker", "push", "-q", build1);
        stack = ComposeStack.create(
                dir.resolve("stack"),
                LocalStack.repoRoot().resolve("docker-compose.yml"),
                ComposeEnv.isolated(build1, LocalImages.postgres(), LocalImages.caddy()));
        env = stack.env();
        stack.up().requireSuccess();
        site = CaddySite.of(env, dir);
        awaitAppHealthy();
        psql("CREATE TABLE compose_first_it (v text); INSERT INTO compose_first_it VALUES ('" + MARKER + "')");

        int httpPort = LocalStack.freePort();
        agent = AgentProcess.start(
                dir, "agent", httpPort, "--config", installConfig(httpPort).toString());
        agent.awaitLog("event=poll.done", DEPLOY);
    }

    @AfterAll
    void removeAll() {
        if (agent != null) {
            agent.close();
        }
        if (stack != null) {
            stack.close();
        }
        builds.add(repository + ":main");
        for (String ref : builds) {
            try {
                LocalStack.exec("docker", "rmi", "-f", ref);
            } catch (IllegalStateException gone) {
                // removed with the stack's images already
            }
        }
    }

    @Test
    @Order(1)
    void theFirstPollAdoptsBothContainersWithoutRedeployingThemAndPutsItsRouteIntoCaddy() throws Exception {
        assertThat(agent.stdout()).doesNotContain("event=deploy.start").doesNotContain("event=service.unresolved");
        webBefore = inspect(env.webContainer());
        String ip = ipOn(webBefore);
        assertThat(caddyRoute())
                .as("the agent's route, first in srv0, dials the app on the stack's network")
                .contains("\"@id\":\"redeploy-web\"")
                .contains("\"dial\":\"" + ip + ":8000\"")
                .contains("\"" + ComposeEnv.SITE + "\"");
    }

    @Test
    @Order(2)
    void aHealthyBuildIsDeployedStartFirstThroughCaddyWithoutOneFailedRequest() throws Exception {
        build2Id = pushDerivedBuild(LocalImages.surveyApp(), "2");
        int mark = agent.mark();
        try (SiteProbe visitor = SiteProbe.start(site, PAGE)) {
            Thread.sleep(500);
            assertThat(agent.triggerPoll()).isEqualTo(202);
            agent.awaitLog(mark, "event=deploy.done service=web", DEPLOY);
            Thread.sleep(1_000);
            visitor.close();
            System.out.println("event=compose_first_it.probe deploy=healthy requests=" + visitor.requests() + " failed="
                    + visitor.failures().size());
            assertThat(visitor.failures())
                    .as("requests through Caddy that failed")
                    .isEmpty();
            assertThat(visitor.requests()).isGreaterThan(50);
        }
        assertThat(agent.logSince(mark))
                .contains("event=caddy.switched service=web")
                .doesNotContain("event=deploy.rollback");

        JsonNode after = inspect(env.webContainer());
        assertThat(after.path("Image").asText()).isEqualTo(build2Id);
        assertThat(after.path("Id").asText()).isNotEqualTo(webBefore.path("Id").asText());
        assertThat(differences("", comparable(webBefore), comparable(after)))
                .as(
                        "docker inspect of %s before and after, but for the image and the agent's labels",
                        env.webContainer())
                .isEmpty();
        assertThat(imageId(repository + ":main"))
                .as("the build that runs is tagged locally as repo:tag, for docker run and compose")
                .isEqualTo(build2Id);
        assertThat(psql("SELECT v FROM compose_first_it")).isEqualTo(MARKER);
        assertThat(caddyRoute()).contains(ipOn(after) + ":8000");
    }

    @Test
    @Order(3)
    void composeCommandsWorkOnTheContainerTheAgentMade() {
        String caddyStarted =
                LocalStack.exec("docker", "inspect", "--format", "{{.State.StartedAt}}", env.caddyContainer());
        String ps = stack.ps().requireSuccess().output();
        assertThat(ps).contains(env.webContainer()).contains(env.dbContainer());
        assertThat(ps.lines()
                        .filter(l -> l.contains(env.webContainer()))
                        .findFirst()
                        .orElseThrow())
                .contains("Up");
        assertThat(stack.logs("web").requireSuccess().output()).contains("event=app.started");
        assertThat(stack.exec("web", "true").exitCode()).isZero();
        // A container restarted outside the agent may come back with another address on the network (seen here:
        // the one its removed predecessor had); the engine's start event makes the agent poll the service, which
        // points Caddy's route at it: no trigger here, and the schedule polls once an hour.
        int restarted = agent.mark();
        stack.restart("web").requireSuccess();
        awaitFollowedWithoutATrigger(restarted);
        int started = agent.mark();
        stack.stop("web").requireSuccess();
        stack.start("web").requireSuccess();
        awaitFollowedWithoutATrigger(started);

        stack.up().requireSuccess();
        awaitAppHealthy();
        assertThat(inspect(env.webContainer()).path("Image").asText())
                .as("up -d with the unchanged file keeps the new build")
                .isEqualTo(build2Id);
        assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.State.StartedAt}}", env.caddyContainer()))
                .as("up -d leaves Caddy alone")
                .isEqualTo(caddyStarted);
        assertThat(ps).contains(env.caddyContainer());
        assertThat(psql("SELECT v FROM compose_first_it")).isEqualTo(MARKER);
    }

    @Test
    @Order(4)
    void aBrokenBuildNeverTakesTheSiteDownIsRolledBackAndComposeStillListsTheGoodOne() throws Exception {
        pushDerivedBuild(LocalImages.surveyAppUnhealthy(), "3-broken");
        String before = inspect(env.webContainer()).path("Id").asText();
        int mark = agent.mark();
        try (SiteProbe visitor = SiteProbe.start(site, PAGE)) {
            Thread.sleep(500);
            assertThat(agent.triggerPoll()).isEqualTo(202);
            agent.awaitLog(mark, "event=deploy.rollback service=web", DEPLOY);
            Thread.sleep(1_000);
            visitor.close();
            System.out.println("event=compose_first_it.probe deploy=broken requests=" + visitor.requests() + " failed="
                    + visitor.failures().size());
            assertThat(visitor.failures())
                    .as("requests through Caddy that failed")
                    .isEmpty();
            assertThat(visitor.requests()).isGreaterThan(50);
        }
        assertThat(agent.logSince(mark)).doesNotContain("event=caddy.switched");
        assertThat(inspect(env.webContainer()).path("Id").asText())
                .as("the old container served throughout and still does")
                .isEqualTo(before);

        JsonNode web = inspect(env.webContainer());
        assertThat(web.path("Image").asText()).isEqualTo(build2Id);
        assertThat(web.path("State").path("Running").asBoolean()).isTrue();
        awaitAppHealthy();
        assertThat(stack.ps().requireSuccess().output()).contains(env.webContainer());
        assertThat(imageId(repository + ":main"))
                .as("the local tag points back at the build that runs")
                .isEqualTo(build2Id);
        assertThat(psql("SELECT v FROM compose_first_it")).isEqualTo(MARKER);
    }

    @Test
    @Order(5)
    void downRemovesEverythingComposeCreatedIncludingTheAgentsContainer() {
        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(60))).isZero();
        stack.down().requireSuccess();

        assertThat(LocalStack.containersNamed(env.project())).isEmpty();
        assertThat(LocalStack.containersNamed(env.webContainer())).isEmpty();
        assertThat(LocalStack.containersNamed(env.caddyContainer())).isEmpty();
    }

    // ---- helpers ----

    /**
     * systemd/agent.example.yml with this machine's addresses and the stack's names, and a shorter health gate for
     * web (a broken build waits it out); nothing else changed.
     */
    private Path installConfig(int httpPort) throws IOException {
        String example = Files.readString(LocalStack.repoRoot().resolve("systemd/agent.example.yml"));
        String[] changes = {
            "state_dir: /var/lib/redeploy-agent",
            "state_dir: " + directory.resolve("state"),
            "interval: 60s",
            "interval: 1h",
            "listen: \"127.0.0.1:8686\"",
            "listen: \"127.0.0.1:" + httpPort + "\"",
            "trigger_token_env: REDEPLOY_TRIGGER_TOKEN",
            "trigger_token_env: " + AgentProcess.TOKEN_ENV,
            "  ghcr.io:\n    username: deploy-bot          # any user name works with a GitHub token\n"
                    + "    password_env: GHCR_TOKEN",
            "  \"" + LocalStack.REGISTRY + "\": { insecure: true }",
            "container: survey-db ",
            "container: " + env.dbContainer() + " ",
            "container: survey-web ",
            "container: " + env.webContainer() + " ",
            "      timeout: 60s\n      interval: 1s",
            "      timeout: 40s\n      interval: 1s",
            "output_dir: /var/lib/redeploy-agent/backups",
            "output_dir: " + directory.resolve("backups"),
            "admin: \"http://127.0.0.1:2019\"",
            "admin: \"" + env.caddy().adminUrl() + "\"",
            "hosts: [survey.example.com]",
            "hosts: [" + ComposeEnv.SITE + "]"
        };
        String config = example;
        for (int i = 0; i < changes.length; i += 2) {
            assertThat(config).as("the example still has %s", changes[i]).contains(changes[i]);
            config = config.replace(changes[i], changes[i + 1]);
        }
        return Files.writeString(directory.resolve("agent.yml"), config);
    }

    /**
     * {@code base} plus one label, pushed as repo:main from a build tag: a new digest of the same app, as CI pushes
     * it from elsewhere. The server's local repo:main is left as it was (only the agent moves it). Returns the id.
     */
    private String pushDerivedBuild(String base, String build) throws IOException {
        Path context = Files.createDirectories(directory.resolve("build-" + build));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nLABEL it.build=\"" + build + "\"\n");
        String ref = repository + ":main";
        String buildTag = repository + ":build-" + build;
        builds.add(buildTag);
        String localBefore = imageId(ref);
        LocalStack.exec("docker", "build", "-q", "-t", buildTag, context.toString());
        LocalStack.exec("docker", "tag", buildTag, ref);
        LocalStack.exec("docker", "push", "-q", ref);
        LocalStack.exec("docker", "tag", localBefore, ref);
        return imageId(buildTag);
    }

    private static String imageId(String ref) {
        return LocalStack.exec("docker", "image", "inspect", "--format", "{{.Id}}", ref);
    }

    /** The poll the container's start event caused (none is triggered), then the site answers through Caddy. */
    private void awaitFollowedWithoutATrigger(int mark) {
        // A poll of web alone: only the event trigger polls one service here (the schedule and triggers poll all).
        agent.awaitLog(mark, "event=poll.done services=1 ", Duration.ofSeconds(30));
        awaitAppHealthy();
    }

    /** Docker's HEALTHCHECK says healthy, and the site answers through Caddy. */
    private void awaitAppHealthy() {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "healthy"
                        .equals(LocalStack.exec(
                                "docker", "inspect", "--format", "{{.State.Health.Status}}", env.webContainer())));
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> site.status(PAGE).equals(Optional.of(200)));
        } catch (ConditionTimeoutException e) {
            String route;
            try {
                route = caddyRoute();
            } catch (IOException | InterruptedException | AssertionError failed) {
                route = failed.toString();
            }
            throw new AssertionError(
                    "the site does not answer through Caddy; app at " + ipOn(inspect(env.webContainer()))
                            + ", Caddy's route: " + route + "\n"
                            + stack.logs("caddy")
                                    .output()
                                    .lines()
                                    .skip(Math.max(
                                            0,
                                            stack.logs("caddy").output().lines().count() - 15))
                                    .collect(java.util.stream.Collectors.joining("\n")),
                    e);
        }
    }

    /** The agent's route as Caddy runs it (GET /id/redeploy-web on the admin API), as JSON text. */
    private String caddyRoute() throws IOException, InterruptedException {
        HttpResponse<String> route = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(env.caddy().adminUrl() + "/id/redeploy-web"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(route.statusCode()).as(route.body()).isEqualTo(200);
        return route.body();
    }

    private String ipOn(JsonNode inspected) {
        return inspected
                .path("NetworkSettings")
                .path("Networks")
                .path(env.network())
                .path("IPAddress")
                .asText();
    }

    private String psql(String sql) {
        CommandResult r = stack.exec("db", "psql", "-U", "survey", "-d", "survey", "-v", "ON_ERROR_STOP=1", "-tAc", sql)
                .requireSuccess();
        return r.output().strip();
    }

    private static JsonNode inspect(String container) {
        try {
            return JSON.readTree(LocalStack.exec("docker", "inspect", container))
                    .get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON paths where {@code a} and {@code b} differ, with both values. */
    private static List<String> differences(String path, JsonNode a, JsonNode b) {
        List<String> out = new ArrayList<>();
        if (a.isObject() && b.isObject()) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                out.addAll(differences(path + "/" + key, a.path(key), b.path(key)));
            }
        } else if (!a.equals(b)) {
            out.add(path + ": " + a + " -> " + b);
        }
        return out;
    }

    /**
     * What must not change when the agent recreates a container: its whole configuration, host configuration and
     * network attachments (with aliases), without what a new container or image brings by itself (id, image, the
     * agent's labels, run state, addresses).
     */
    private static JsonNode comparable(JsonNode inspected) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode config = inspected.path("Config").deepCopy();
        config.remove("Image");
        // Env's order means nothing: the image's variables come first, and a value the image sets too is left to it.
        ArrayNode env = JSON.createArrayNode();
        List<String> sorted = new ArrayList<>();
        config.path("Env").forEach(e -> sorted.add(e.asText()));
        sorted.stream().sorted().forEach(env::add);
        config.set("Env", env);
        config.remove("Hostname"); // the container id's prefix, unless set
        ObjectNode labels = (ObjectNode) config.path("Labels");
        for (Iterator<String> it = labels.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("redeploy-agent.") || key.startsWith("it.build")) {
                it.remove();
            }
        }
        c.set("Config", config);
        c.set("HostConfig", inspected.path("HostConfig"));
        c.put("Name", inspected.path("Name").asText());
        ObjectNode networks = JSON.createObjectNode();
        inspected.path("NetworkSettings").path("Networks").fields().forEachRemaining(n -> {
            ObjectNode network = JSON.createObjectNode();
            JsonNode aliases = n.getValue().path("Aliases");
            ObjectNode sortedAliases = JSON.createObjectNode();
            if (aliases.isArray()) {
                aliases.forEach(a -> {
                    // Docker adds the short container id as an alias of every new container.
                    if (!inspected.path("Id").asText().startsWith(a.asText())) sortedAliases.put(a.asText(), true);
                });
            }
            network.set("Aliases", sortedAliases);
            networks.set(n.getKey(), network);
        });
        c.set("Networks", networks);
        return c;
    }
}
