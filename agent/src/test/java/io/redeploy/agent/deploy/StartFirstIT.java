package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code strategy: start-first} on the real engine: a client container on the service's network requests the
 * service's alias every 20 ms (resolving it for each request, retrying once after a timeout), across redeploys and an
 * unhealthy build, and must never fail. Everything
 * (containers, network, repository, images) is prefixed with a random {@code it-zdt-xxxxxx} and removed afterwards.
 */
class StartFirstIT {
    private static final String PREFIX =
            "it-zdt-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static final String NETWORK = PREFIX + "-net";
    private static final String ALIAS = PREFIX + "-web";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private static DockerJavaGateway docker;
    private static Digest build1;
    private static Digest build2;
    private static Digest build3;
    private static Digest build4;
    private static Digest unhealthy;

    private final ContainerTarget deployer = Targets.of(
            docker,
            new DefaultHealthGates(docker, Clock.systemUTC(), Sleeper.real()),
            Clock.systemUTC(),
            Duration.ofMinutes(2));

    @BeforeAll
    static void buildImages() {
        docker = DockerJavaGateway.connect(DockerConfig.DEFAULT_HOST);
        docker.ping(); // fails, not skips, when the stack is not there
        build1 = build("b1", "1");
        build2 = build("b2", "2");
        build3 = build("b3", "3");
        build4 = build("b4", "4");
        unhealthy = build("unhealthy", "5", "unhealthy");
        docker.ensureNetwork(NETWORK);
    }

    private static Digest build(String tag, String buildId, String... options) {
        String ref = Cli.buildImage(Map.of(), REPO + ":" + tag, buildId, options);
        return Cli.pushedDigest(docker, ref, REPO);
    }

    @AfterEach
    void removeContainers() {
        Cli.removeContainersNamed(PREFIX);
    }

    @AfterAll
    static void removeNetworkAndImages() {
        Cli.tryRun(Map.of(), "docker", "network", "rm", NETWORK);
        Cli.removeImagesUnder(PREFIX);
        docker.close();
    }

    private static ServiceConfig service() {
        return ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
                .containerName(PREFIX + "-web-c")
                .mode(ServiceConfig.UpdateMode.AUTO)
                .network(Optional.of(NETWORK))
                .networkAliases(List.of(ALIAS))
                .health(new HealthCheckConfig(
                        HealthCheckConfig.Type.HTTP, "/", 8080, Duration.ofSeconds(4), Duration.ofMillis(200)))
                .stopTimeout(Duration.ofSeconds(2))
                .restartPolicy("no")
                .labels(Map.of("it", PREFIX))
                .strategy(ServiceConfig.Strategy.START_FIRST)
                .build();
    }

    private static String clientLog(String client) {
        return Cli.run("docker", "logs", client);
    }

    private static void awaitAnswer(String client, String answer) {
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> clientLog(client).contains(answer));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String log = clientLog(client);
            throw new AssertionError(
                    "client never got " + answer + "; its log ends with: "
                            + log.substring(Math.max(0, log.length() - 300)) + "; ps: "
                            + Cli.run("docker", "top", client),
                    e);
        }
    }

    @Test
    void clientsOfTheAliasNeverFailAcrossRedeploysAndAnUnhealthyBuild() {
        ServiceConfig web = service();
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        String client = PREFIX + "-client";
        Cli.run(
                "docker",
                "run",
                "-d",
                "--name",
                client,
                "--network",
                NETWORK,
                "--label",
                "it=" + PREFIX,
                REPO + ":b1",
                "sh",
                "-c",
                // busybox's own nslookup: its wget cannot resolve names in a FROM-scratch image (static glibc, no NSS).
                // One retry after a timeout, as an HTTP client with a read timeout does: a request in flight on the old
                // container at the instant it is disconnected is cut (Docker moves an alias only by disconnecting).
                "get() { ip=$(nslookup " + ALIAS + " 127.0.0.11 2>/dev/null | sed -n 's/^Address: \\([0-9.]*\\)$/\\1/p'"
                        + " | head -n 1); timeout 2 wget -q -O- http://$ip:8080/; };"
                        + " while true; do get || { echo RETRY; get; } || echo FAIL; sleep 0.02; done");
        awaitAnswer(client, "build=1");

        DeployResult second = deployer.deploy(web, build2, REGISTRY);
        DeployResult bad = deployer.deploy(web, unhealthy, REGISTRY);
        DeployResult third = deployer.deploy(web, build3, REGISTRY);
        DeployResult fourth = deployer.deploy(web, build4, REGISTRY);
        awaitAnswer(client, "build=4");
        Cli.run("docker", "stop", "-t", "0", client);

        assertThat(List.of(second, third, fourth))
                .extracting(DeployResult::outcome)
                .containsOnly(Outcome.DEPLOYED);
        assertThat(bad.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(bad.reason()).startsWith("health (");
        List<String> answers =
                Arrays.stream(clientLog(client).split("\n")).map(String::strip).toList();
        assertThat(answers).as("requests that failed, even when retried once").doesNotContain("FAIL");
        long retried = answers.stream().filter("RETRY"::equals).count();
        System.out.println("start-first probe: " + answers.size() + " lines, " + retried + " requests retried");
        // At most the one request in flight at each of the three switches away from a running container.
        assertThat(retried).as("requests retried").isLessThanOrEqualTo(3);
        assertThat(answers).contains("build=1", "build=2", "build=3", "build=4").doesNotContain("build=5");
        // The service looks exactly as after a stop-first deploy: one container, its name, the last build.
        assertThat(deployer.observe(web).runs(build4)).isTrue();
        assertThat(docker.inspectContainer(ContainerNames.starting(web.containerName())))
                .isEmpty();
        assertThat(Cli.run(
                        "docker",
                        "ps",
                        "-a",
                        "--format",
                        "{{.Names}}",
                        "--filter",
                        "label=redeploy-agent.service=web",
                        "--filter",
                        "name=" + PREFIX))
                .isEqualTo(web.containerName());
    }
}
