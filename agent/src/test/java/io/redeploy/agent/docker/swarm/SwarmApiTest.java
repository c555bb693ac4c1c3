package io.redeploy.agent.docker.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The requests SwarmApi sends and how it reads the engine's answers (fixtures recorded from Engine 20.10). */
class SwarmApiTest {
    static final String SECRET = "s3cr3t-never-shown";
    static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    static final ObjectMapper JSON = new ObjectMapper();
    static final SwarmRegistryAuth AUTH = new SwarmRegistryAuth("127.0.0.1:5001", "tester", SECRET);

    static String fixture(String name) {
        try (InputStream in = SwarmApiTest.class.getResourceAsStream("/swarm/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeEngine engine = new FakeEngine();
    SwarmApi api = new SwarmApi(engine);

    SwarmService replicated() {
        engine.answer(200, fixture("service-replicated-20.10.json"));
        return api.inspectService("swx-web").orElseThrow();
    }

    @Test
    void readsAReplicatedServiceAsEngine2010ReportsIt() {
        SwarmService s = replicated();

        assertThat(engine.last().path()).isEqualTo("/services/swx-web");
        assertThat(s.id()).isEqualTo("6tmhkhhytm294n30kgud4tdjg");
        assertThat(s.name()).isEqualTo("swx-web");
        assertThat(s.versionIndex()).isEqualTo(38);
        assertThat(s.mode()).isEqualTo(SwarmService.Mode.REPLICATED);
        assertThat(s.replicas()).hasValue(2);
        assertThat(s.image()).startsWith("127.0.0.1:5000/swx-probe/web:v2@sha256:685a62");
        assertThat(s.digest()).map(Digest::shortForm).contains("sha256:685a6210b512");
        assertThat(s.updateConfig().order()).contains(SwarmUpdateConfig.Order.START_FIRST);
        assertThat(s.updateConfig().failureAction()).contains(SwarmUpdateConfig.FailureAction.PAUSE);
        assertThat(s.updateConfig().monitor()).contains(Duration.ofSeconds(5));
        assertThat(s.updateConfig().parallelism()).hasValue(1);
        SwarmUpdateStatus status = s.updateStatus().orElseThrow();
        assertThat(status.state()).isEqualTo(SwarmUpdateStatus.State.COMPLETED);
        assertThat(status.message()).isEqualTo("update completed");
        assertThat(status.completedAt()).isPresent();
    }

    @Test
    void readsAGlobalServiceWithoutUpdateStatus() {
        engine.answer(200, """
                {"ID":"g1","Version":{"Index":7},"Spec":{"Name":"agent","Mode":{"Global":{}},
                 "TaskTemplate":{"ContainerSpec":{"Image":"reg:5000/a:1"}}}}""");

        SwarmService s = api.inspectService("agent").orElseThrow();

        assertThat(s.mode()).isEqualTo(SwarmService.Mode.GLOBAL);
        assertThat(s.replicas()).isEmpty();
        assertThat(s.updateStatus()).isEmpty();
        assertThat(s.digest()).isEmpty();
        assertThat(s.updateConfig().isEmpty()).isTrue();
    }

    @Test
    void aMissingServiceIsEmpty() {
        engine.answer(404, "{\"message\":\"service nope not found\"}");

        assertThat(api.inspectService("nope")).isEmpty();
    }

    @Test
    void listsTasksOfOneServiceWithTheirDigestSlotAndNode() {
        engine.answer(200, fixture("tasks-after-update-20.10.json"));

        List<SwarmTask> tasks = api.tasks("6tmhkhhytm294n30kgud4tdjg");

        assertThat(URLDecoder.decode(engine.last().path(), StandardCharsets.UTF_8))
                .isEqualTo("/tasks?filters={\"service\":[\"6tmhkhhytm294n30kgud4tdjg\"]}");
        assertThat(tasks).hasSize(4);
        assertThat(tasks.stream().filter(SwarmTask::isRunning)).hasSize(2).allSatisfy(t -> {
            assertThat(t.digest()).map(Digest::shortForm).contains("sha256:685a6210b512");
            assertThat(t.nodeId()).isEqualTo("tp5pbj58a8i9oqspnbft4wc9l");
        });
        assertThat(tasks.stream().filter(t -> t.state().equals("shutdown")))
                .extracting(t -> t.slot().getAsInt())
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void updateSendsTheFullSpecWithOnlyTheImageChangedAtTheReadVersion() throws Exception {
        SwarmService s = replicated();
        engine.answer(200, "{\"Warnings\":null}");

        SwarmUpdateSubmitted submitted = api.updateDigest(s, NEW, Optional.empty(), SwarmUpdateConfig.none());

        assertThat(engine.last().method()).isEqualTo("POST");
        assertThat(engine.last().path()).isEqualTo("/services/6tmhkhhytm294n30kgud4tdjg/update?version=38");
        assertThat(engine.last().headers()).doesNotContainKey("X-Registry-Auth");
        assertThat(engine.last().headers()).containsEntry("Content-Type", "application/json");
        ObjectNode expected = (ObjectNode)
                JSON.readTree(fixture("service-replicated-20.10.json")).get("Spec");
        expected.withObject("/TaskTemplate/ContainerSpec").put("Image", "127.0.0.1:5000/swx-probe/web:v2@" + NEW);
        assertThat(JSON.readTree(engine.lastBody())).isEqualTo(expected);
        assertThat(submitted.image()).isEqualTo("127.0.0.1:5000/swx-probe/web:v2@" + NEW);
        assertThat(submitted.fromVersion()).isEqualTo(38);
        assertThat(submitted.warnings()).isEmpty();
    }

    @Test
    void overridesChangeOnlyTheirUpdateConfigFields() throws Exception {
        SwarmService s = replicated();
        engine.answer(200, "{\"Warnings\":[\"image could not be accessed on a registry\"]}");

        SwarmUpdateSubmitted submitted = api.updateDigest(
                s,
                NEW,
                Optional.empty(),
                SwarmUpdateConfig.none()
                        .withFailureAction(SwarmUpdateConfig.FailureAction.ROLLBACK)
                        .withMonitor(Duration.ofMillis(1500)));

        JsonNode uc = JSON.readTree(engine.lastBody()).get("UpdateConfig");
        assertThat(uc.get("FailureAction").asText()).isEqualTo("rollback");
        assertThat(uc.get("Monitor").asLong()).isEqualTo(1_500_000_000L);
        assertThat(uc.get("Order").asText()).isEqualTo("start-first");
        assertThat(uc.get("Parallelism").asInt()).isEqualTo(1);
        assertThat(submitted.warnings()).containsExactly("image could not be accessed on a registry");
    }

    @Test
    void overridesCreateAnUpdateConfigTheSpecLacks() throws Exception {
        engine.answer(200, """
                {"ID":"g1","Version":{"Index":7},"Spec":{"Name":"agent","Mode":{"Global":{}},
                 "TaskTemplate":{"ContainerSpec":{"Image":"reg:5000/a:1"}}}}""");
        SwarmService s = api.inspectService("agent").orElseThrow();
        engine.answer(200, "{}");

        api.updateImage(
                s,
                "reg:5000/a:2",
                Optional.empty(),
                SwarmUpdateConfig.none()
                        .withOrder(SwarmUpdateConfig.Order.STOP_FIRST)
                        .withParallelism(0));

        assertThat(JSON.readTree(engine.lastBody()).get("UpdateConfig"))
                .isEqualTo(JSON.readTree("{\"Order\":\"stop-first\",\"Parallelism\":0}"));
    }

    @Test
    void forwardsRegistryCredentialsAsBase64UrlJsonInTheHeader() throws Exception {
        SwarmService s = replicated();
        engine.answer(200, "{}");

        api.updateDigest(s, NEW, Optional.of(AUTH), SwarmUpdateConfig.none());

        String header = engine.last().headers().get("X-Registry-Auth");
        assertThat(header).doesNotContain("+", "/");
        JsonNode decoded = JSON.readTree(Base64.getUrlDecoder().decode(header));
        assertThat(decoded)
                .isEqualTo(JSON.readTree("{\"username\":\"tester\",\"password\":\"" + SECRET
                        + "\",\"serveraddress\":\"127.0.0.1:5001\"}"));
        assertThat(engine.lastBody()).doesNotContain(SECRET);
        assertThat(AUTH.toString()).doesNotContain(SECRET).contains("****");
    }

    @Test
    void aStaleVersionIsATypedConflictWithoutTheSecret() {
        SwarmService s = replicated();
        engine.answer(500, "{\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}");

        assertThatThrownBy(() -> api.updateDigest(s, NEW, Optional.of(AUTH), SwarmUpdateConfig.none()))
                .isInstanceOfSatisfying(SwarmVersionConflictException.class, e -> {
                    assertThat(e.staleVersion()).isEqualTo(38);
                    assertThat(e.service()).isEqualTo("swx-web");
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.getMessage())
                            .isEqualTo("service swx-web changed since version 38 was read (another writer updated"
                                    + " it); read it again before updating: rpc error: code = Unknown desc = update out"
                                    + " of sequence")
                            .doesNotContain(SECRET);
                });
    }

    @Test
    void aConflictStatusIsAConflictToo() {
        SwarmService s = replicated();
        engine.answer(409, "{\"message\":\"version mismatch\"}");

        assertThatThrownBy(() -> api.updateDigest(s, NEW, Optional.empty(), SwarmUpdateConfig.none()))
                .isInstanceOf(SwarmVersionConflictException.class);
    }

    @Test
    void updatingAServiceThatIsGoneSaysSo() {
        SwarmService s = replicated();
        engine.answer(404, "{\"message\":\"service 6tmhkhhytm294n30kgud4tdjg not found\"}");

        assertThatThrownBy(() -> api.updateDigest(s, NEW, Optional.of(AUTH), SwarmUpdateConfig.none()))
                .isInstanceOf(SwarmServiceNotFoundException.class)
                .hasMessage("service swx-web does not exist: service 6tmhkhhytm294n30kgud4tdjg not found");
    }

    @Test
    void anotherEngineErrorNamesTheOperationAndTheEnginesWords() {
        SwarmService s = replicated();
        engine.answer(
                400,
                "{\"message\":\"rpc error: code = InvalidArgument desc = ContainerSpec: image reference"
                        + " must be provided\"}");

        assertThatThrownBy(() -> api.updateImage(s, "bad ref", Optional.of(AUTH), SwarmUpdateConfig.none()))
                .isExactlyInstanceOf(SwarmApiException.class)
                .hasMessage("cannot update service swx-web to bad ref: HTTP 400: rpc error: code = InvalidArgument"
                        + " desc = ContainerSpec: image reference must be provided")
                .satisfies(e -> assertThat(((SwarmApiException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void aJobIsNotUpdated() {
        engine.answer(200, """
                {"ID":"j1","Version":{"Index":3},"Spec":{"Name":"migrate","Mode":{"ReplicatedJob":{}},
                 "TaskTemplate":{"ContainerSpec":{"Image":"reg:5000/m:1"}}}}""");
        SwarmService job = api.inspectService("migrate").orElseThrow();

        assertThatThrownBy(() -> api.updateImage(job, "reg:5000/m:2", Optional.empty(), SwarmUpdateConfig.none()))
                .hasMessageContaining("is a job");
        assertThat(engine.requests).hasSize(1);
    }

    @Test
    void theEngineNotAnsweringIsReadable() {
        engine.failWith(new RuntimeException(new IOException("connect to /var/run/docker.sock: refused")));

        assertThatThrownBy(() -> api.nodes())
                .isExactlyInstanceOf(SwarmApiException.class)
                .hasMessageStartingWith("cannot list the swarm's nodes: the Docker engine did not answer")
                .hasMessageContaining("refused")
                .satisfies(e -> assertThat(((SwarmApiException) e).statusCode()).isZero());
    }

    @Test
    void aWorkerOrSwarmlessEngineAnswering503IsNotAManager() {
        engine.answer(
                503,
                "{\"message\":\"This node is not a swarm manager. Use \\\"docker swarm init\\\" or"
                        + " \\\"docker swarm join\\\" to connect this node to swarm and try again.\"}");

        assertThatThrownBy(() -> api.inspectService("web"))
                .isInstanceOf(NotASwarmManagerException.class)
                .hasMessageContaining("cannot inspect service web: the Docker engine is not a usable swarm manager")
                .hasMessageContaining("docker swarm init");
    }

    @Test
    void requireManagerExplainsEachState() {
        String[][] cases = {
            {"inactive", "false", "is not part of a swarm (Swarm.LocalNodeState=inactive): run `docker swarm init`"},
            {"active", "false", "is a swarm worker (ControlAvailable=false): only managers can update services"},
            {"locked", "false", "locked swarm (Swarm.LocalNodeState=locked): unlock it with `docker swarm unlock`"},
            {"pending", "false", "is still joining a swarm"},
            {"error", "false", "is not a usable swarm manager (Swarm.LocalNodeState=error)"},
        };
        for (String[] c : cases) {
            engine.answer(200, info(c[0], c[1]));
            assertThatThrownBy(() -> api.requireManager())
                    .as(c[0])
                    .isInstanceOf(NotASwarmManagerException.class)
                    .hasMessageStartingWith("the Docker engine ")
                    .hasMessageContaining(c[2]);
        }
        engine.answer(200, info("active", "true"));
        SwarmInfo manager = api.requireManager();
        assertThat(manager.isManager()).isTrue();
        assertThat(manager.nodeId()).isEqualTo("n1");
        assertThat(manager.nodes()).isEqualTo(3);
        assertThat(engine.last().path()).isEqualTo("/info");
    }

    static String info(String state, String control) {
        return "{\"Swarm\":{\"LocalNodeState\":\"" + state + "\",\"ControlAvailable\":" + control
                + ",\"NodeID\":\"n1\",\"NodeAddr\":\"127.0.0.1\",\"Nodes\":3,\"Managers\":1}}";
    }

    @Test
    void listsNodesWithRoleStateAndLeader() {
        engine.answer(200, """
                [{"ID":"n1","Spec":{"Role":"manager","Availability":"active"},
                  "Description":{"Hostname":"vm","Engine":{"EngineVersion":"20.10.24+dfsg1"}},
                  "Status":{"State":"ready","Addr":"172.30.0.1"},"ManagerStatus":{"Leader":true}},
                 {"ID":"n2","Spec":{"Role":"worker","Availability":"active"},
                  "Description":{"Hostname":"w1","Engine":{"EngineVersion":"20.10.24+dfsg1"}},
                  "Status":{"State":"ready","Addr":"172.30.0.2"}}]""");

        assertThat(api.nodes())
                .containsExactly(
                        new SwarmNode("n1", "vm", "manager", "active", "ready", "172.30.0.1", "20.10.24+dfsg1", true),
                        new SwarmNode("n2", "w1", "worker", "active", "ready", "172.30.0.2", "20.10.24+dfsg1", false));
    }

    @Test
    void everyRequestIsUnversionedOnItsOwnConnection() {
        replicated();
        engine.answer(200, "[]");
        api.tasks("x");
        engine.answer(200, info("active", "true"));
        api.info();

        assertThat(engine.requests).allSatisfy(r -> {
            assertThat(r.path()).doesNotStartWith("/v1");
            assertThat(r.headers()).containsEntry("Connection", "close");
        });
    }

    @Test
    void theReturnedSpecIsACopy() {
        SwarmService s = replicated();
        s.spec().put("Name", "changed");

        assertThat(s.spec().get("Name").asText()).isEqualTo("swx-web");
    }
}
