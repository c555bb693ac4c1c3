package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packaged agent as a process (what systemd runs) against the real engine and registry: killed with
 * SIGKILL in the middle of a deploy and started again, stopped with SIGTERM during a deploy, exit codes,
 * and an unreachable Docker engine. "Whole" means: exactly one container under the service's name, running,
 * and no {@code .redeploy-old} container left.
 */
class AgentProcessIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    /** http probe on a build that never answers: fails after this timeout, long enough to kill the agent inside it. */
    private static final String FAILING_HTTP_GATE = "{ type: http, port: 8080, path: /, timeout: 5s, interval: 200ms }";
    /** No HEALTHCHECK in the image: "still running after 3s", so a healthy deploy spends ~3s in its gate. */
    private static final String SLOW_RUNNING_GATE = "{ type: auto, interval: 3s, timeout: 30s }";
    /** No HEALTHCHECK in the image: "still running after 1s". */
    private static final String QUICK_RUNNING_GATE = "{ type: auto, interval: 1s, timeout: 30s }";
    /** The test image's httpd ignores SIGTERM (PID 1), so each stop of an old container takes this long. */
    private static final String STOP_TIMEOUT = "2s";
    /** Each build is built once for the class and pushed under every test's own repository. */
    private static final TestImages IMAGES = new TestImages();

    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();
    private final List<String> containerNames = new ArrayList<>();
    private final List<DockerSocketGate> gates = new ArrayList<>();
    private int starts;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @AfterEach
    void cleanUp() {
        agents.forEach(AgentProcess::close);
        gates.forEach(DockerSocketGate::close);
        for (String name : containerNames) {
            for (String c : List.of(name, aside(name))) {
                try {
                    LocalStack.exec("docker", "rm", "-f", "-v", c);
                } catch (IllegalStateException absent) {
                }
            }
        }
    }

    @AfterAll
    static void dropImages() {
        IMAGES.close();
    }

    // ---- kill -9 in the middle of a deploy, then a restart ----

    /**
     * Where in a deploy (stop-first: pull, rename the old container aside, create the new one, stop the old one,
     * start the new one, health gate, remove the old one) the agent is killed. Every point but the health gate is
     * reached exactly: a {@link DockerSocketGate} between the agent and the engine holds the engine call that comes
     * next (or the answer to the last one), so the agent is killed with the engine's state known.
     */
    enum KillPoint {
        /** Pulled; the rename of the old container is held: nothing touched, nothing to recover. */
        AFTER_THE_PULL(null, null, null, "running") {
            @Override
            Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId) {
                return Optional.of(gate.holdRequest("POST", "/containers/" + oldId + "/rename"));
            }
        },
        /** The old container renamed aside, still running; the create of the new one is held. */
        AFTER_THE_RENAME(NOT_CREATED, NOT_CREATED, "running", null) {
            @Override
            Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId) {
                return Optional.of(gate.holdRequest("POST", "/containers/create"));
            }
        },
        /** The old container aside and running, the new one created (never started); the stop of the old one is held. */
        AFTER_THE_CREATE(FINISHED, JUDGED_UNHEALTHY, "running", "created") {
            @Override
            Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId) {
                return Optional.of(gate.holdRequest("POST", "/containers/" + oldId + "/stop"));
            }
        },
        /** The old container aside and stopped; the engine started the new one, its answer to the agent is held. */
        AFTER_THE_START(FINISHED, JUDGED_UNHEALTHY, "exited", "running") {
            @Override
            Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId) {
                return Optional.of(gate.holdResponse("POST", "/containers/(?!" + oldId + ")[^/]+/start"));
            }
        },
        /** Old container aside and stopped, the new one started and in its health gate (seen in the engine's state). */
        DURING_THE_HEALTH_GATE(FINISHED, JUDGED_UNHEALTHY, "exited", "running") {
            @Override
            Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId) {
                return Optional.empty();
            }

            @Override
            void reach(AgentProcess agent, Optional<DockerSocketGate.Hold> hold, Service s) {
                Instant deadline = Instant.now().plus(STEP);
                while (true) {
                    Stack stack = Stack.of(s.name);
                    if (stack.hasAside() && "running".equals(stack.states.get(s.name))) {
                        return;
                    }
                    if (!agent.isAlive() || Instant.now().isAfter(deadline)) {
                        fail("never saw " + aside(s.name) + " next to a running " + s.name + "; last: " + stack + "\n"
                                + agent.stdout());
                    }
                    AgentProcess.pause(Duration.ofMillis(100));
                }
            }
        };

        /** What the restarted agent's recovery reports after a kill at this point; null: nothing to recover. */
        final String recoveryOfAHealthyBuild;

        final String recoveryOfABrokenBuild;
        /** The state of {@code <name>.redeploy-old} and of the container under the name right after the kill; null: none. */
        private final String asideAfterTheKill;

        private final String primaryAfterTheKill;

        KillPoint(
                String recoveryOfAHealthyBuild,
                String recoveryOfABrokenBuild,
                String asideAfterTheKill,
                String primaryAfterTheKill) {
            this.recoveryOfAHealthyBuild = recoveryOfAHealthyBuild;
            this.recoveryOfABrokenBuild = recoveryOfABrokenBuild;
            this.asideAfterTheKill = asideAfterTheKill;
            this.primaryAfterTheKill = primaryAfterTheKill;
        }

        /** The containers expected under the service's name and its aside name, with their state, after the kill. */
        Map<String, String> stackAfterTheKill(String name) {
            Map<String, String> states = new LinkedHashMap<>();
            if (primaryAfterTheKill != null) states.put(name, primaryAfterTheKill);
            if (asideAfterTheKill != null) states.put(aside(name), asideAfterTheKill);
            return states;
        }

        /** Sets up the gate, before the deploy is triggered, to stop it at this point. */
        abstract Optional<DockerSocketGate.Hold> arm(DockerSocketGate gate, String oldId);

        /** Returns once the deploy reached this point. */
        void reach(AgentProcess agent, Optional<DockerSocketGate.Hold> hold, Service s) {
            hold.orElseThrow().awaitHeld(STEP);
        }
    }

    private static final String NOT_CREATED = "the interrupted deploy had not created its container; put ";
    private static final String JUDGED_UNHEALTHY = "rolled back the interrupted deploy (it is not healthy";
    private static final String FINISHED = "finished the interrupted deploy";

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void killedMidDeployOfABrokenBuild_theRestartEndsOnTheOldBuild(KillPoint point) {
        Service web = service("kb", FAILING_HTTP_GATE);
        AgentProcess agent = web.startWithFirstBuild();

        web.push("2-broken", "unhealthy");
        web.killAt(point, agent);

        AgentProcess restarted = web.startAgent();
        System.out.println("broken build killed " + point);
        assertRecovered(restarted, point.recoveryOfABrokenBuild);
        restarted.awaitLog("event=poll.done", STEP);
        if (JUDGED_UNHEALTHY.equals(point.recoveryOfABrokenBuild)) {
            // Recovery judged the build: it is remembered as failed, not deployed a second time.
            assertThat(restarted.stdout())
                    .contains("event=deploy.skipped service=web")
                    .doesNotContain("event=deploy.start");
        } else {
            // The build was never judged: the first poll after the restart tries it and rolls it back.
            assertThat(restarted.stdout()).contains("event=deploy.rollback");
        }
        assertWhole(web, "build=1");
    }

    @Test
    void killedAtAnyPointOfAHealthyDeploy_theRestartEndsOnTheNewBuild() {
        Service web = service("ok", SLOW_RUNNING_GATE);
        AgentProcess agent = web.startWithFirstBuild();

        int build = 1;
        for (KillPoint point : KillPoint.values()) {
            build++;
            web.push(String.valueOf(build));
            web.killAt(point, agent);

            agent = web.startAgent();
            System.out.println("healthy build " + build + " killed " + point);
            assertRecovered(agent, point.recoveryOfAHealthyBuild);
            agent.awaitLog("event=poll.done", STEP);
            assertWhole(web, "build=" + build);
        }
    }

    // ---- SIGTERM ----

    @Test
    void sigtermDuringADeploy_letsItFinishThenExitsZero() {
        Service web = service("term", SLOW_RUNNING_GATE);
        AgentProcess agent = web.startWithFirstBuild();

        web.push("2");
        int mark = web.trigger(agent).mark();
        agent.awaitLog(mark, "event=deploy.pulled", STEP);
        agent.sigterm();

        assertThat(agent.awaitExit(STEP))
                .as("exit code after SIGTERM\n%s", agent.stdout())
                .isEqualTo(0);
        String log = agent.logSince(mark);
        int stopping = log.indexOf("event=agent.stopping");
        int done = log.indexOf("event=deploy.done");
        int stopped = log.indexOf("event=agent.stopped");
        assertThat(stopping)
                .as("SIGTERM arrived during the deploy\n%s", log)
                .isGreaterThan(log.indexOf("event=deploy.pulled"));
        assertThat(done).as("the deploy finished after SIGTERM\n%s", log).isGreaterThan(stopping);
        assertThat(stopped).as("and before the agent stopped\n%s", log).isGreaterThan(done);
        assertThat(log).contains("event=agent.stopped clean=true").doesNotContain("event=deploy.rollback");
        assertWhole(web, "build=2");
    }

    @Test
    void sigtermWhenIdle_exitsZero() {
        String repo = LocalStack.uniqueRepository("lc/idle");
        String name = "lc-idle-" + repo.substring(repo.length() - 8);
        containerNames.add(name);
        int httpPort = LocalStack.freePort();
        // The tag does not exist: every poll is a registry error, nothing is deployed.
        Path config = writeConfig(
                "1h",
                httpPort,
                "",
                serviceYaml(name, LocalStack.REGISTRY + "/" + repo, LocalStack.freePort(), FAILING_HTTP_GATE));
        AgentProcess agent = start(httpPort, config);
        agent.awaitLog("event=poll.done", STEP);

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30)))
                .as("exit code after SIGTERM\n%s", agent.stdout())
                .isEqualTo(0);
        assertThat(agent.stdout()).contains("event=agent.stopped clean=true");
        assertThat(LocalStack.containersNamed(name)).isEmpty();
    }

    // ---- roll back, hold, release through the CLI ----

    @Test
    void rollbackHoldsTheServiceUntilReleaseAndTheHistoryListsIt() {
        Service web = service("ctl", QUICK_RUNNING_GATE);
        AgentProcess agent = web.startWithFirstBuild();
        String url = "--url=http://127.0.0.1:" + web.httpPort;

        web.push("2");
        int mark = web.trigger(agent).mark();
        agent.awaitLog(mark, "event=deploy.done", STEP);
        awaitAnswer(web, "build=2");

        mark = agent.mark();
        AgentProcess.Exit rollback = cli("rollback", "--service", "web", "--reason", "build 2 breaks the login", url);
        assertThat(rollback.code()).as(rollback.stderr()).isZero();
        assertThat(rollback.stdout()).contains("rollback of web").contains("held by it-operator");
        agent.awaitLog(mark, "event=rollback.done service=web", STEP);
        awaitAnswer(web, "build=1");
        AgentProcess.Exit status = cli("status", url);
        assertThat(status.stdout()).contains("held by it-operator since").contains("build 2 breaks the login");

        // A hold on a held service and a second rollback target that never ran are refused: exit 4, nothing touched.
        AgentProcess.Exit again = cli("hold", "--service", "web", url);
        assertThat(again.code()).isEqualTo(4);
        assertThat(again.stderr()).contains("409");
        AgentProcess.Exit unknown = cli("rollback", "--service", "web", "--to", "sha256:" + "0".repeat(64), url);
        assertThat(unknown.code()).isEqualTo(4);
        assertThat(unknown.stderr()).contains("404");

        web.push("3");
        mark = agent.mark();
        assertThat(cli("trigger", "--service", "web", url).code()).isZero();
        agent.awaitLog(mark, "event=poll.done", STEP);
        assertThat(agent.logSince(mark))
                .contains("event=deploy.held service=web")
                .doesNotContain("event=deploy.start");
        awaitAnswer(web, "build=1");

        // The hold is in state.json: a restarted agent still defers build 3.
        agent.sigterm();
        assertThat(agent.awaitExit(STEP)).isZero();
        agent = web.startAgent();
        agent.awaitLog("event=poll.done", STEP);
        assertThat(agent.stdout()).contains("event=deploy.held service=web").doesNotContain("event=deploy.start");
        awaitAnswer(web, "build=1");

        mark = agent.mark();
        AgentProcess.Exit release = cli("release", "--service", "web", url);
        assertThat(release.code()).as(release.stderr()).isZero();
        agent.awaitLog(mark, "event=deploy.done", STEP);
        awaitAnswer(web, "build=3");

        AgentProcess.Exit history = cli("history", "--service", "web", url);
        assertThat(history.code()).as(history.stderr()).isZero();
        List<String> kinds = history.stdout()
                .lines()
                .skip(1)
                .map(l -> l.trim().split("\\s+")[3])
                .toList();
        assertThat(kinds).containsExactly("deploy", "release", "rollback", "hold", "deploy", "deploy");
        System.out.println("history after rollback, hold and release:\n" + history.stdout());
        AgentProcess.Exit json = cli("history", "--json", url);
        assertThat(json.stdout()).contains("\"kind\" : \"rollback\"").contains("\"by\" : \"it-operator\"");
    }

    // ---- policy: approve through the CLI ----

    @Test
    void approveDeploysOnlyTheApprovedBuildAndAPendingOneSurvivesARestart() {
        // The service's YAML takes the health line as given: the policy rides on it.
        Service web = service("apr", QUICK_RUNNING_GATE + "\n    policy: approve");
        web.push("1");
        AgentProcess agent = web.startAgent();
        String url = "--url=http://127.0.0.1:" + web.httpPort;
        agent.awaitLog("event=approval.pending service=web", STEP);
        assertThat(agent.stdout()).doesNotContain("event=deploy.start");
        AgentProcess.Exit waiting = cli("status", url);
        assertThat(waiting.stdout()).contains("pending sha256:");

        int mark = agent.mark();
        AgentProcess.Exit approve = cli("approve", "--service", "web", url);
        assertThat(approve.code()).as(approve.stderr()).isZero();
        agent.awaitLog(mark, "event=deploy.done", STEP);
        awaitAnswer(web, "build=1");

        web.push("2");
        mark = web.trigger(agent).mark();
        agent.awaitLog(mark, "event=approval.pending service=web", STEP);
        String build2 = pendingDigest(agent);
        web.push("3");
        mark = web.trigger(agent).mark();
        agent.awaitLog(mark, "event=approval.pending service=web", STEP);
        assertThat(agent.logSince(mark)).contains("superseded=");
        AgentProcess.Exit superseded = cli("approve", "--service", "web", "--digest", build2, url);
        assertThat(superseded.code()).isEqualTo(4);
        assertThat(superseded.stderr()).contains("409 not_pending");

        agent.sigterm();
        assertThat(agent.awaitExit(STEP)).isZero();
        agent = web.startAgent();
        agent.awaitLog("event=poll.done", STEP);
        assertThat(agent.stdout()).doesNotContain("event=deploy.start").doesNotContain("event=approval.pending");
        String build3 = pendingDigest(agent);
        assertThat(build3).isNotEqualTo(build2);
        mark = agent.mark();
        assertThat(cli("approve", "--service", "web", "--digest", build3, url).code())
                .isZero();
        agent.awaitLog(mark, "event=deploy.done", STEP);
        awaitAnswer(web, "build=3");
        assertThat(cli("history", "--service", "web", url).stdout()).contains("approval", "approved", "it-operator");
    }

    private static String pendingDigest(AgentProcess agent) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "\"approval\"\\s*:\\s*\\{\\s*\"digest\"\\s*:\\s*\"(sha256:[a-f0-9]{64})\"")
                .matcher(agent.get("/status?service=web").body());
        assertThat(m.find()).as("a pending digest in /status").isTrue();
        return m.group(1);
    }

    private AgentProcess.Exit cli(String... args) {
        return AgentProcess.cli(dir, "cli-" + (++starts), args);
    }

    // ---- exit codes ----

    @Test
    void aBadConfigExitsTwoWithTheProblemOnStderr() throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yml"), "schedule: { interval: soon }\nservices: {}\n");
        AgentProcess.Exit exit = AgentProcess.run(dir, "bad", STEP, "--config", config.toString());
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr()).contains("schedule.interval").contains("'soon' is not a duration");
        assertThat(exit.stdout()).doesNotContain("event=agent.started");
    }

    @Test
    void checkOnAValidConfigExitsZero() {
        int httpPort = LocalStack.freePort();
        Path config = writeConfig(
                "1h",
                httpPort,
                "",
                serviceYaml(
                        "lc-check-never-created",
                        LocalStack.REGISTRY + "/lc/check",
                        LocalStack.freePort(),
                        FAILING_HTTP_GATE));
        AgentProcess.Exit exit = AgentProcess.run(dir, "check", STEP, "--config", config.toString(), "--check");
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(0);
        assertThat(exit.stdout()).contains("is valid").contains("web=");
        assertThat(exit.stdout()).doesNotContain("event=agent.started");
    }

    @Test
    void checkAsksTheEngineAboutAFollowedContainerThatDoesNotExistAndStillExitsZero() throws IOException {
        String missing = "lc-check-missing-" + UUID.randomUUID().toString().substring(0, 8);
        Path config = Files.writeString(
                dir.resolve("followed.yml"),
                "state_dir: " + dir.resolve("followed-state") + "\nservices:\n  web: {container: " + missing + "}\n");
        AgentProcess.Exit exit =
                AgentProcess.run(dir, "check-followed", STEP, "--config", config.toString(), "--check");
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(0);
        assertThat(exit.stdout())
                .contains("is valid")
                .contains("check: services.web: the followed container " + missing + " does not exist");
    }

    // ---- Docker down ----

    @Test
    void dockerUnreachable_theAgentKeepsRunningReportsUnhealthyAndStopsCleanly() {
        int httpPort = LocalStack.freePort();
        String socket = "/tmp/redeploy-it-" + UUID.randomUUID() + ".sock";
        Path config = writeConfig(
                "1s",
                httpPort,
                "docker: { host: \"unix://" + socket + "\" }\n",
                serviceYaml(
                        "lc-nodocker-never-created",
                        LocalStack.REGISTRY + "/lc/nodocker",
                        LocalStack.freePort(),
                        FAILING_HTTP_GATE));
        AgentProcess agent = start(httpPort, config);
        agent.awaitLog("event=agent.started", STEP);
        // Several polls go by without Docker and the process is still there: no exit, no crash loop.
        agent.awaitLog("event=poll.", 3, STEP);
        assertThat(agent.isAlive()).isTrue();

        HttpResponse<String> health = agent.get("/healthz");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(health.body()).contains("\"status\" : \"unhealthy\"").containsIgnoringCase("docker");

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30)))
                .as("exit code after SIGTERM\n%s", agent.stdout())
                .isEqualTo(0);
    }

    // ---- helpers ----

    /**
     * The kill left the engine exactly in the state of its point, so the test really hit the window it is about.
     * Right after the pull, that is the old container untouched.
     */
    private static void assertStackAfterTheKill(Service s, KillPoint point, Deploy deploy, AgentProcess killed) {
        Stack stack = Stack.of(s.name);
        assertThat(stack.states)
                .as("stack right after a kill %s\n%s", point, killed.stdout())
                .containsExactlyInAnyOrderEntriesOf(point.stackAfterTheKill(s.name));
        if (!stack.hasAside()) {
            assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", s.name))
                    .isEqualTo(deploy.oldContainerId());
        }
    }

    /**
     * The restarted agent healed the service as expected, before its first poll looked at the registry
     * (recovery runs in the poll thread, so that it can wait for a Docker engine that is not up yet).
     */
    private static void assertRecovered(AgentProcess restarted, String expectedAction) {
        if (expectedAction == null) {
            restarted.awaitLog("event=poll.done", STEP);
            assertThat(restarted.stdout()).as("nothing to recover").doesNotContain("event=recover service=");
            System.out.println("recovery after the kill: nothing to recover");
            return;
        }
        restarted.awaitLog("event=recover service=", STEP);
        String log = restarted.stdout();
        String recovery = log.lines()
                .filter(l -> l.contains("event=recover service="))
                .findFirst()
                .orElseThrow();
        assertThat(recovery).contains(expectedAction);
        System.out.println("recovery after the kill: " + recovery.substring(recovery.indexOf("event=recover")));
        int firstPollStep =
                firstIndexOf(log, "event=digest.new", "event=registry.digest", "event=deploy.start", "event=poll.done");
        assertThat(log.indexOf(recovery)).isLessThan(firstPollStep);
    }

    private static int firstIndexOf(String log, String... needles) {
        int first = Integer.MAX_VALUE;
        for (String needle : needles) {
            int i = log.indexOf(needle);
            if (i >= 0) first = Math.min(first, i);
        }
        return first;
    }

    private static void assertWhole(Service s, String build) {
        Stack stack = Stack.of(s.name);
        assertThat(stack.states).as("containers of %s", s.name).containsOnlyKeys(s.name);
        assertThat(stack.states.get(s.name)).as("state of %s", s.name).isEqualTo("running");
        assertThat(LocalStack.containersNamed(s.name)).containsExactly(s.name);
        awaitAnswer(s, build);
    }

    private static void awaitAnswer(Service s, String build) {
        Instant deadline = Instant.now().plus(STEP);
        Optional<String> answer = LocalStack.answer(s.hostPort);
        while (!answer.equals(Optional.of(build))) {
            if (Instant.now().isAfter(deadline)) {
                fail(s.name + " answered " + answer + ", expected " + build + "; containers: " + Stack.of(s.name));
            }
            AgentProcess.pause(Duration.ofMillis(200));
            answer = LocalStack.answer(s.hostPort);
        }
    }

    private static String aside(String name) {
        return name + ".redeploy-old";
    }

    /** The containers under a service's name and its aside name, with their state (running, exited, created...). */
    record Stack(String name, Map<String, String> states) {
        static Stack of(String name) {
            Map<String, String> states = new LinkedHashMap<>();
            String out = LocalStack.exec(
                    "docker", "ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}} {{.State}}");
            for (String line : out.isEmpty() ? new String[0] : out.split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts[0].equals(name) || parts[0].equals(aside(name))) {
                    states.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
            return new Stack(name, states);
        }

        boolean hasAside() {
            return states.containsKey(aside(name));
        }

        boolean whole() {
            return states.keySet().equals(java.util.Set.of(name)) && "running".equals(states.get(name));
        }
    }

    /** A deploy triggered by a test: where the agent's log stood, the container it replaces. */
    record Deploy(int mark, String oldContainerId) {}

    /** One watched service with its own repository, container name, published port and state dir. */
    private final class Service {
        final String image;
        final String name;
        final int hostPort = LocalStack.freePort();
        final int httpPort = LocalStack.freePort();
        final Path config;
        /** Every agent of the service talks to the engine through it; with no rule armed it passes everything. */
        final DockerSocketGate gate = DockerSocketGate.open();

        Service(String label, String health) {
            gates.add(gate);
            String repo = LocalStack.uniqueRepository("lc/" + label);
            this.image = LocalStack.REGISTRY + "/" + repo;
            this.name = "lc-" + label + "-" + repo.substring(repo.length() - 8);
            containerNames.add(name);
            this.config = writeConfig(
                    "1h",
                    httpPort,
                    "docker: { host: \"" + gate.host() + "\" }\n",
                    serviceYaml(name, image, hostPort, health));
        }

        void push(String build, String... options) {
            IMAGES.publish(image + ":main", build, options);
        }

        /** Build 1 pushed, the agent started and its first poll done: build 1 deployed and the agent idle. */
        AgentProcess startWithFirstBuild() {
            push("1");
            AgentProcess agent = startAgent();
            agent.awaitLog("event=poll.done", STEP);
            assertThat(agent.stdout()).contains("event=deploy.done");
            awaitAnswer(this, "build=1");
            return agent;
        }

        /** POST /v1/update, remembering where the log stood and the container the deploy replaces. */
        Deploy trigger(AgentProcess agent) {
            Deploy deploy = new Deploy(agent.mark(), LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", name));
            assertThat(agent.triggerPoll()).as("trigger answer").isEqualTo(202);
            return deploy;
        }

        /** Triggers a deploy of what was pushed, kills the agent with SIGKILL at {@code point} and checks it got there. */
        void killAt(KillPoint point, AgentProcess agent) {
            String oldId = LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", name);
            Optional<DockerSocketGate.Hold> hold = point.arm(gate, oldId);
            Deploy deploy = trigger(agent);
            point.reach(agent, hold, this);
            agent.kill9();
            assertStackAfterTheKill(this, point, deploy, agent);
            assertThat(agent.logSince(deploy.mark()))
                    .as("killed before the deploy ended")
                    .doesNotContain("event=deploy.done")
                    .doesNotContain("event=deploy.rollback");
        }

        /** A new agent process on the same config and state dir, as systemd would restart it. */
        AgentProcess startAgent() {
            return start(httpPort, config);
        }
    }

    private Service service(String label, String health) {
        return new Service(label, health);
    }

    private AgentProcess start(int httpPort, Path config) {
        AgentProcess agent = AgentProcess.start(dir, "agent-" + (++starts), httpPort, "--config", config.toString());
        agents.add(agent);
        return agent;
    }

    private static String serviceYaml(String containerName, String image, int hostPort, String health) {
        return "  web:\n"
                + "    image: " + image + "\n"
                + "    tag: main\n"
                + "    container_name: " + containerName + "\n"
                + "    ports: [\"127.0.0.1:" + hostPort + ":8080\"]\n"
                + "    health: " + health + "\n"
                + "    stop_timeout: " + STOP_TIMEOUT + "\n";
    }

    private Path writeConfig(String interval, int httpPort, String extra, String services) {
        Path stateDir = dir.resolve("state-" + UUID.randomUUID().toString().substring(0, 8));
        String yaml = "state_dir: " + stateDir + "\n"
                + "schedule: { interval: " + interval + " }\n"
                + "http: { listen: \"127.0.0.1:" + httpPort + "\", trigger_token_env: " + AgentProcess.TOKEN_ENV
                + " }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + extra
                + "services:\n" + services;
        try {
            return Files.writeString(
                    dir.resolve("agent-" + UUID.randomUUID().toString().substring(0, 8) + ".yml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
