package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, data: a real PostgreSQL container (scripts/build-postgres-image.sh) with a named volume, and an app that
 * depends on it, both run by the packaged agent (the jar, as systemd runs it) against the real engine and registry.
 * Rows are seeded, then a writer commits rows without pause while the app is redeployed 20 times and the database
 * 3 times (each database redeploy restarts the app: {@code restart_on_dependency_update}). Every row whose commit
 * was acknowledged must be there at the end, on the same named volume, in a whole stack. Triggers fired in a burst
 * while deploys run must never start a second deploy while one is in flight: checked in the agent's event log and in
 * the engine's own events.
 *
 * <p>The jar rather than an in-process agent: the deploys are the same code either way, and the trigger path
 * (HTTP, Quartz, one poll at a time) is part of the claim; a JVM start costs about two seconds once.
 */
class DatabaseDurabilityIT {
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final int SEEDED_ROWS = 1_000;
    private static final int APP_REDEPLOYS = 20;
    private static final int DB_REDEPLOYS = 3;
    /** The database is redeployed after these app redeploys. */
    private static final Set<Integer> DB_REDEPLOY_AFTER_APP = Set.of(6, 13, 19);
    /** While the deploy of this app build (and of the 2nd database build) runs, three triggers arrive at once. */
    private static final int BURST_DURING_APP = 10;

    private static final int BURST_DURING_DB = 2;
    private static final int BURST = 3;
    private static final String PASSWORD_ENV = "PGDATA_IT_DB_PASSWORD";
    private static final String DATABASE = "durability";

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String PREFIX = "pgdata-" + RUN;
    private static final String DB_NAME = PREFIX + "-db";
    private static final String APP_NAME = PREFIX + "-app";
    private static final String VOLUME = PREFIX + "-pgdata";
    private static final String NETWORK = PREFIX + "-net";
    private static final String DB_REPO = LocalStack.REGISTRY + "/pgdata/" + RUN + "/db";
    private static final String APP_REPO = LocalStack.REGISTRY + "/pgdata/" + RUN + "/app";
    private static final Set<String> IMAGE_IDS = new LinkedHashSet<>();

    private static AgentProcess agent;
    private static CommittedRowWriter writer;
    private static ContainerCreations engineEvents;

    @TempDir
    Path dir;

    private final int dbPort = LocalStack.freePort();
    private final int appPort = LocalStack.freePort();
    private final int httpPort = LocalStack.freePort();
    private final String password = "pw-" + UUID.randomUUID();
    private String appBuild;
    private boolean appBaseBuilt;
    private int burstsFired;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (writer != null) writer.close();
        if (agent != null) agent.close();
        if (engineEvents != null) engineEvents.close();
        LocalStack.removeContainersNamed(PREFIX);
        tryExec("docker", "volume", "rm", VOLUME);
        tryExec("docker", "network", "rm", NETWORK);
        // Every build of this run has its own id (its build id is in it), so removing by id touches no one else's.
        String refs = LocalStack.exec(
                "docker", "images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}");
        for (String ref : refs.split("\\s+")) {
            if (ref.contains("/pgdata/" + RUN + "/") && !ref.endsWith(":<none>") && !ref.endsWith("@<none>")) {
                tryExec("docker", "rmi", ref);
            }
        }
        IMAGE_IDS.forEach(id -> tryExec("docker", "rmi", "-f", id));
    }

    /** The event log stays for whoever reads a failure (the temp dir holding it goes with the test). */
    @AfterEach
    void keepTheAgentLog() throws IOException {
        if (agent != null) {
            Files.writeString(
                    LocalStack.repoRoot().resolve("agent/target/DatabaseDurabilityIT-agent.log"), agent.stdout());
        }
    }

    @Test
    void everyCommittedRowSurvivesTwentyAppAndThreeDatabaseRedeploysAndDeploysNeverOverlap() throws Exception {
        Instant begin = Instant.now();
        engineEvents = ContainerCreations.record(PREFIX, begin);
        pushDb("db-0");
        pushApp("app-0");
        System.out.println("durability first_builds_ms="
                + Duration.between(begin, Instant.now()).toMillis());
        agent = AgentProcess.start(
                dir,
                "agent",
                httpPort,
                Map.of(PASSWORD_ENV, password),
                "--config",
                writeConfig().toString());
        agent.awaitLog("event=poll.done", STEP);
        assertThat(agent.stdout()).contains("event=deploy.done service=db").contains("event=deploy.done service=app");
        writer = new CommittedRowWriter(dbPort, DATABASE, "postgres", password);
        await().atMost(STEP).ignoreExceptions().until(() -> {
            try (Connection c = writer.connect()) {
                return c.isValid(2);
            }
        });
        String cluster = clusterIdentifier();
        writer.seed(SEEDED_ROWS);
        writer.start();
        Instant redeploysBegin = Instant.now();
        System.out.println(
                "durability setup_ms=" + Duration.between(begin, redeploysBegin).toMillis()
                        + " (first builds, agent start, first deploy of both services, seed)");

        for (int i = 1, db = 1; i <= APP_REDEPLOYS; i++) {
            redeployApp(i);
            if (DB_REDEPLOY_AFTER_APP.contains(i)) redeployDb(db++);
        }
        Duration redeploys = Duration.between(redeploysBegin, Instant.now());
        AgentProcess.pause(Duration.ofMillis(500)); // a few commits after the last redeploy
        writer.close();

        Map<Long, String> committed = writer.committed();
        Map<Long, String> stored = readAllRows();
        List<Long> lost = committed.entrySet().stream()
                .filter(e -> !e.getValue().equals(stored.get(e.getKey())))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        long inDoubt = stored.keySet().stream()
                .filter(id -> !committed.containsKey(id))
                .count();
        long maxCommitted =
                committed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.println("durability rows_seeded=" + SEEDED_ROWS + " rows_committed=" + committed.size()
                + " rows_stored=" + stored.size() + " lost=" + lost.size() + " in_doubt=" + inDoubt
                + " failed_attempts=" + writer.failedAttempts() + " longest_write_gap_ms=" + writer.longestGapMillis()
                + " app_redeploys=" + APP_REDEPLOYS + " db_redeploys=" + DB_REDEPLOYS
                + " redeploys_ms=" + redeploys.toMillis() + " total_ms="
                + Duration.between(begin, Instant.now()).toMillis());

        assertThat(lost).as("acknowledged commits missing or changed").isEmpty();
        assertThat(committed.size()).isGreaterThan(SEEDED_ROWS);
        // Each database redeploy cut the writer's connection at least once: it really wrote through the outages.
        assertThat(writer.failedAttempts()).isGreaterThanOrEqualTo(DB_REDEPLOYS);
        assertThat(stored.keySet().stream().mapToLong(Long::longValue).max().orElseThrow())
                .isGreaterThanOrEqualTo(maxCommitted);
        // A row present but never acknowledged can only be a commit whose answer was lost with its connection.
        assertThat(inDoubt).isLessThanOrEqualTo(writer.failedAttempts());

        assertSameVolumeAndCluster(cluster);
        assertWhole();
        assertDeploysNeverOverlapped();
    }

    // ---- the steps ----

    private void redeployApp(int i) throws IOException {
        int mark = agent.mark();
        Instant t0 = Instant.now();
        pushApp("app-" + i);
        Instant pushed = Instant.now();
        assertThat(agent.triggerPoll()).as("trigger").isEqualTo(202);
        if (i == BURST_DURING_APP) burstWhileDeploying(mark, "app");
        awaitDeployDoneAndIdle(mark, "event=deploy.done service=app");
        assertThat(LocalStack.answer(appPort)).contains("build=" + appBuild);
        printStep("app-" + i, t0, pushed);
    }

    private static void printStep(String step, Instant started, Instant pushed) {
        System.out.println("durability step=" + step + " build_push_ms="
                + Duration.between(started, pushed).toMillis() + " trigger_to_idle_ms="
                + Duration.between(pushed, Instant.now()).toMillis());
    }

    private void redeployDb(int i) {
        int mark = agent.mark();
        String build = "db-" + i;
        Instant t0 = Instant.now();
        pushDb(build);
        Instant pushed = Instant.now();
        assertThat(agent.triggerPoll()).as("trigger").isEqualTo(202);
        if (i == BURST_DURING_DB) burstWhileDeploying(mark, "db");
        awaitDeployDoneAndIdle(mark, "event=deploy.restart service=app");
        assertThat(agent.logSince(mark)).contains("event=deploy.done service=db");
        assertThat(inspect(
                        DB_NAME,
                        "{{index .Config.Labels \"org.opencontainers.image.revision\"}} {{.State.Health.Status}}"))
                .isEqualTo(build + "-" + RUN + " healthy");
        assertThat(LocalStack.answer(appPort)).contains("build=" + appBuild);
        printStep(build, t0, pushed);
    }

    /** Three POST /v1/update at once while the deploy of {@code service} is in flight: each is accepted (202). */
    private void burstWhileDeploying(int mark, String service) {
        agent.awaitLog(mark, "event=deploy.start service=" + service, STEP);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) answers.add(CompletableFuture.supplyAsync(agent::triggerPoll));
        answers.forEach(a -> assertThat(a.join()).as("burst trigger").isEqualTo(202));
        burstsFired += BURST;
    }

    /** Waits for {@code needle} after {@code mark}, then for the end of that poll: the agent is idle again. */
    private void awaitDeployDoneAndIdle(int mark, String needle) {
        agent.awaitLog(mark, needle, STEP);
        int done = mark + agent.logSince(mark).indexOf(needle);
        agent.awaitLog(done, "event=poll.done", STEP);
    }

    /**
     * A new build of the app: the busybox test image (scripts/build-test-image.sh, built once) with a new page saying
     * {@code build=<id>}, one COPY layer on top. Twenty full test-image builds would take minutes on a loaded box.
     */
    private void pushApp(String build) throws IOException {
        appBuild = build + "-" + RUN;
        String base = APP_REPO + ":base";
        if (!appBaseBuilt) {
            LocalStack.pushTestImage(base, "base-" + RUN, "--no-push");
            IMAGE_IDS.add(LocalStack.exec("docker", "image", "inspect", "--format", "{{.Id}}", base));
            appBaseBuilt = true;
        }
        Path context = Files.createDirectories(dir.resolve("app-" + build));
        Files.writeString(context.resolve("index.html"), "build=" + appBuild + "\n");
        Files.writeString(
                context.resolve("Dockerfile"),
                "FROM " + base + "\nCOPY index.html /www/index.html\n" + "LABEL org.opencontainers.image.version=\""
                        + appBuild + "\"\n");
        LocalStack.exec("docker", "build", "-q", "-t", APP_REPO + ":main", context.toString());
        LocalStack.exec("docker", "push", "-q", APP_REPO + ":main");
        IMAGE_IDS.add(LocalStack.exec("docker", "image", "inspect", "--format", "{{.Id}}", APP_REPO + ":main"));
    }

    private static void pushDb(String build) {
        LocalStack.exec(
                "bash",
                LocalStack.repoRoot().resolve("scripts/build-postgres-image.sh").toString(),
                DB_REPO + ":main",
                build + "-" + RUN);
        IMAGE_IDS.add(LocalStack.exec("docker", "image", "inspect", "--format", "{{.Id}}", DB_REPO + ":main"));
    }

    // ---- the checks ----

    private Map<Long, String> readAllRows() throws Exception {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = writer.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, payload FROM " + CommittedRowWriter.TABLE)) {
            while (r.next()) rows.put(r.getLong(1), r.getString(2));
        }
        return rows;
    }

    /**
     * The database still runs on the named volume, and on the cluster initdb made there at the first start: a new or
     * emptied volume would have been initialised again, with a new system identifier.
     */
    private static void assertSameVolumeAndCluster(String cluster) throws SQLException {
        assertThat(inspect(DB_NAME, "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}"))
                .isEqualTo("volume " + VOLUME + " /var/lib/postgresql/data");
        assertThat(clusterIdentifier()).as("pg_control system identifier").isEqualTo(cluster);
    }

    private static String clusterIdentifier() throws SQLException {
        try (Connection c = writer.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            r.next();
            return r.getString(1);
        }
    }

    /** Exactly one db and one app container, both running, the agent's, and nothing left aside. */
    private static void assertWhole() {
        assertThat(LocalStack.containersNamed(PREFIX)).containsExactlyInAnyOrder(DB_NAME, APP_NAME);
        for (String[] c : List.of(new String[] {DB_NAME, "db"}, new String[] {APP_NAME, "app"})) {
            assertThat(inspect(
                            c[0],
                            "{{.State.Status}} {{index .Config.Labels \"redeploy-agent.managed\"}} "
                                    + "{{index .Config.Labels \"redeploy-agent.service\"}}"))
                    .isEqualTo("running true " + c[1]);
        }
    }

    private void assertDeploysNeverOverlapped() {
        String log = agent.stdout();
        DeployIntervals deploys = DeployIntervals.parse(log);
        assertThat(deploys.overlaps()).as("deploys in flight at the same time").isEmpty();
        assertThat(deploys.count("app", "deploy.done")).isEqualTo(1 + APP_REDEPLOYS);
        assertThat(deploys.count("db", "deploy.done")).isEqualTo(1 + DB_REDEPLOYS);
        assertThat(deploys.deploys()).hasSize(2 + APP_REDEPLOYS + DB_REDEPLOYS);
        assertThat(log).doesNotContain("event=deploy.rollback").doesNotContain("event=deploy.restart_failed");
        assertThat(log.lines()
                        .filter(l -> l.contains("event=deploy.restart service=app"))
                        .count())
                .isEqualTo(DB_REDEPLOYS);
        assertThat(log.lines().filter(l -> l.contains("event=http.trigger")).count())
                .isEqualTo(APP_REDEPLOYS + DB_REDEPLOYS + burstsFired);

        // The engine's view: never a third container of one service, i.e. never two creations of it in flight.
        engineEvents.close();
        assertThat(engineEvents.creates())
                .containsEntry("app", 1 + APP_REDEPLOYS)
                .containsEntry("db", 1 + DB_REDEPLOYS);
        assertThat(engineEvents.mostAtOnce()).containsEntry("app", 2).containsEntry("db", 2);
        System.out.println("durability deploys=" + deploys.deploys().size() + " overlaps=0 burst_triggers="
                + burstsFired + " engine_creates=" + engineEvents.creates() + " most_containers_per_service="
                + engineEvents.mostAtOnce());
    }

    // ---- set-up ----

    private Path writeConfig() throws IOException {
        String yaml = "state_dir: " + dir.resolve("state") + "\n"
                + "schedule: { interval: 1h }\n"
                + "http: { listen: \"127.0.0.1:" + httpPort + "\", trigger_token_env: " + AgentProcess.TOKEN_ENV
                + " }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + "services:\n"
                + "  db:\n"
                + "    image: " + DB_REPO + "\n"
                + "    tag: main\n"
                + "    container_name: " + DB_NAME + "\n"
                + "    policy: pin-major\n"
                + "    env:\n"
                + "      POSTGRES_PASSWORD: \"${" + PASSWORD_ENV + "}\"\n"
                + "      POSTGRES_DB: " + DATABASE + "\n"
                + "    volumes: [\"" + VOLUME + ":/var/lib/postgresql/data\"]\n"
                + "    ports: [\"127.0.0.1:" + dbPort + ":5432\"]\n"
                + "    network: " + NETWORK + "\n"
                + "    network_aliases: [db]\n"
                + "    health: { type: docker, timeout: 60s, interval: 250ms }\n"
                + "    stop_timeout: 30s\n"
                + "  app:\n"
                + "    image: " + APP_REPO + "\n"
                + "    tag: main\n"
                + "    container_name: " + APP_NAME + "\n"
                + "    ports: [\"127.0.0.1:" + appPort + ":8080\"]\n"
                + "    network: " + NETWORK + "\n"
                + "    depends_on: [db]\n"
                + "    restart_on_dependency_update: true\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 20s, interval: 200ms }\n"
                // The test image's httpd is PID 1 and ignores SIGTERM: waiting for it would only make every stop
                // slower.
                + "    stop_timeout: 0s\n";
        return Files.writeString(dir.resolve("agent.yml"), yaml);
    }

    private static String inspect(String container, String format) {
        return LocalStack.exec("docker", "inspect", "--format", format, container);
    }

    private static void tryExec(String... command) {
        try {
            LocalStack.exec(command);
        } catch (IllegalStateException ignored) {
            // already gone
        }
    }
}
