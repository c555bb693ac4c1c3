package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.VolumeMount;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.Workload;
import io.redeploy.agent.time.Sleeper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the real engine and the local registry (127.0.0.1:5000; 5001 with Basic auth). Every container,
 * volume and repository is prefixed with a random {@code it-deploy-xxxxxx} and removed afterwards.
 */
class ContainerTargetIT {
    private static final String PREFIX =
            "it-deploy-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private static DockerJavaGateway docker;
    private static Digest build1;
    private static Digest build2;
    private static Digest unhealthy;
    private static Digest crash;
    private static Digest withHealthcheck;

    private final ContainerTarget deployer = Targets.of(
            docker,
            new DefaultHealthGates(docker, Clock.systemUTC(), Sleeper.real()),
            Clock.systemUTC(),
            Duration.ofMinutes(2));
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void buildImages() {
        docker = DockerJavaGateway.connect(DockerConfig.DEFAULT_HOST);
        docker.ping(); // fails, not skips, when the stack is not there
        build1 = build("b1", "1");
        build2 = build("b2", "2");
        unhealthy = build("unhealthy", "3", "unhealthy");
        crash = build("crash", "4", "crash");
        withHealthcheck = build("hc", "5", "--healthcheck");
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
    static void removeImagesAndVolumes() {
        Cli.removeVolumesNamed(PREFIX);
        Cli.removeImagesUnder(PREFIX);
        docker.close();
    }

    private static String name(String suffix) {
        return PREFIX + "-" + suffix;
    }

    private static ServiceConfig service(String suffix, HealthCheckConfig health, List<VolumeMount> volumes) {
        return ServiceConfig.builder(suffix, ImageRef.parse(REPO, "main"))
                .containerName(name(suffix))
                .mode(ServiceConfig.UpdateMode.AUTO)
                .env(Map.of("SECRET_TOKEN", "do-not-log-me"))
                .volumes(volumes)
                .health(health)
                .stopTimeout(Duration.ofSeconds(2))
                .restartPolicy("no")
                .labels(Map.of("it", PREFIX))
                .build();
    }

    private static HealthCheckConfig httpHealth(Duration timeout) {
        return new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/", 8080, timeout, Duration.ofMillis(300));
    }

    private static HealthCheckConfig autoHealth() {
        return new HealthCheckConfig(
                HealthCheckConfig.Type.AUTO, "/", 0, Duration.ofSeconds(20), Duration.ofSeconds(1));
    }

    /** What GET / on the container's bridge IP answers, e.g. {@code build=2}. */
    private String answer(String containerName) {
        ContainerInfo c = docker.inspectContainer(containerName).orElseThrow();
        String ip = c.ipAddresses().values().iterator().next();
        return await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> http.send(
                                        HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()
                                .strip(),
                        b -> !b.isEmpty());
    }

    private static List<String> containersNamed(String exactName) {
        String out = Cli.run("docker", "ps", "-a", "--format", "{{.Names}}", "--filter", "name=^/?" + exactName + "$");
        return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
    }

    private static List<String> containersWithPrefix(String containerName) {
        String out = Cli.run("docker", "ps", "-a", "--format", "{{.Names}}", "--filter", "name=" + containerName);
        return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
    }

    @Test
    void deploysBuild2OverBuild1AndLeavesExactlyOneContainer() {
        ServiceConfig web = service("web", httpHealth(Duration.ofSeconds(20)), List.of());

        DeployResult first = deployer.deploy(web, build1, REGISTRY);
        assertThat(first.outcome()).as(first.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(answer(web.containerName())).isEqualTo("build=1");
        assertThat(deployer.observe(web).runs(build1)).isTrue();
        assertThat(deployer.observe(web).managed()).isTrue();

        DeployResult second = deployer.deploy(web, build2, REGISTRY);
        assertThat(second.outcome()).as(second.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(second.from()).contains(build1);
        assertThat(answer(web.containerName())).isEqualTo("build=2");
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
        Workload running = deployer.observe(web);
        assertThat(running.runs(build2)).isTrue();
        assertThat(running.runs(build1)).isFalse();

        String id = running.id().orElseThrow();
        DeployResult again = deployer.deploy(web, build2, REGISTRY);
        assertThat(again.reason()).contains("already running");
        assertThat(deployer.observe(web).id()).contains(id);
    }

    @Test
    void anUnhealthyBuildIsRolledBackAndTheOldContainerAnswersAgain() {
        ServiceConfig web = service("unhealthy", httpHealth(Duration.ofSeconds(3)), List.of());
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        String oldId = deployer.observe(web).id().orElseThrow();

        DeployResult result = deployer.deploy(web, unhealthy, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .contains("http:8080/ not healthy within 3.0s")
                .doesNotContain("do-not-log-me");
        assertThat(deployer.observe(web).id()).contains(oldId);
        assertThat(answer(web.containerName())).isEqualTo("build=1");
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
    }

    @Test
    void aCrashingBuildIsRolledBackWithItsLastLogLines() {
        ServiceConfig web = service("crash", autoHealth(), List.of());
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);

        DeployResult result = deployer.deploy(web, crash, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).contains("exit code 1").contains("crashing");
        assertThat(answer(web.containerName())).isEqualTo("build=1");
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
    }

    @Test
    void anImageWithAHealthcheckIsGatedByDockersHealthStatus() {
        ServiceConfig web = service("hc", autoHealth(), List.of());

        DeployResult result = deployer.deploy(web, withHealthcheck, REGISTRY);

        assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).contains("docker-healthcheck");
        assertThat(docker.inspectContainer(web.containerName()).orElseThrow().health())
                .contains("healthy");
        assertThat(answer(web.containerName())).isEqualTo("build=5");
    }

    @Test
    void aFileInANamedVolumeSurvivesARedeploy() {
        String volume = name("data");
        ServiceConfig web =
                service("volume", httpHealth(Duration.ofSeconds(20)), List.of(new VolumeMount(volume, "/data", false)));
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        Cli.run("docker", "exec", web.containerName(), "sh", "-c", "echo kept-across-deploys > /data/proof");

        assertThat(deployer.deploy(web, build2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);

        assertThat(answer(web.containerName())).isEqualTo("build=2");
        assertThat(Cli.run("docker", "exec", web.containerName(), "cat", "/data/proof"))
                .isEqualTo("kept-across-deploys");
        assertThat(Cli.run("docker", "volume", "ls", "-q", "--filter", "name=" + volume))
                .isEqualTo(volume);
    }

    @Test
    void anAnonymousVolumeFromTheImagesVolumeDeclarationSurvivesARedeploy() {
        // Like the postgres image, which declares VOLUME /var/lib/postgresql/data: without a configured volume
        // the data lives in an anonymous volume, which the new container must mount again.
        String volRepo = "127.0.0.1:5000/" + PREFIX + "/vol";
        Digest v1 = withVolumeDeclaration(REPO + ":b1", volRepo + ":1");
        Digest v2 = withVolumeDeclaration(REPO + ":b2", volRepo + ":2");
        ServiceConfig db = ServiceConfig.builder("anon", ImageRef.parse(volRepo, "main"))
                .containerName(name("anon"))
                .mode(ServiceConfig.UpdateMode.AUTO)
                .health(httpHealth(Duration.ofSeconds(20)))
                .stopTimeout(Duration.ofSeconds(2))
                .restartPolicy("no")
                .build();
        assertThat(deployer.deploy(db, v1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        Cli.run("docker", "exec", db.containerName(), "sh", "-c", "echo rows > /var/lib/db/table");

        DeployResult result = deployer.deploy(db, v2, REGISTRY);

        assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(answer(db.containerName())).isEqualTo("build=2");
        assertThat(Cli.run("docker", "exec", db.containerName(), "cat", "/var/lib/db/table"))
                .isEqualTo("rows");
        String volume = docker.inspectContainer(db.containerName())
                .orElseThrow()
                .anonymousVolumes()
                .get("/var/lib/db");
        Cli.run("docker", "rm", "-f", db.containerName());
        Cli.tryRun(Map.of(), "docker", "volume", "rm", volume);
    }

    private static Digest withVolumeDeclaration(String base, String reference) {
        Cli.run(
                Map.of("DOCKER_BUILDKIT", "0"),
                "sh",
                "-c",
                "printf 'FROM " + base + "\\nVOLUME /var/lib/db\\n' | docker build -q -t " + reference
                        + " - && docker push -q " + reference);
        return Cli.pushedDigest(docker, reference, reference.substring(0, reference.lastIndexOf(':')));
    }

    @Test
    void pruningRemovesOnlyThisRepositorysReferencesToOlderImages() {
        String pruneRepo = "127.0.0.1:5000/" + PREFIX + "/prune";
        Digest p1 = retag(REPO + ":b1", pruneRepo + ":1");
        Digest p2 = retag(REPO + ":b2", pruneRepo + ":2");
        Digest p3 = retag(REPO + ":hc", pruneRepo + ":3");
        ServiceConfig web = ServiceConfig.builder("prune", ImageRef.parse(pruneRepo, "main"))
                .containerName(name("prune"))
                .mode(ServiceConfig.UpdateMode.AUTO)
                .health(httpHealth(Duration.ofSeconds(20)))
                .stopTimeout(Duration.ofSeconds(2))
                .restartPolicy("no")
                .pruneOldImages(true)
                .build();

        for (Digest d : List.of(p1, p2, p3)) {
            DeployResult result = deployer.deploy(web, d, REGISTRY);
            assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        }

        assertThat(docker.inspectImage(pruneRepo + "@" + p1.value())).isEmpty();
        assertThat(docker.inspectImage(pruneRepo + ":1")).isEmpty();
        assertThat(docker.inspectImage(pruneRepo + "@" + p2.value()))
                .as("previous, kept for rollback")
                .isPresent();
        assertThat(docker.inspectImage(pruneRepo + "@" + p3.value()))
                .as("current")
                .isPresent();
        assertThat(docker.inspectImage(REPO + ":b1"))
                .as("another repository's reference")
                .isPresent();
    }

    private static Digest retag(String source, String reference) {
        Cli.run("docker", "tag", source, reference);
        Cli.run("docker", "push", "-q", reference);
        return Cli.pushedDigest(docker, reference, reference.substring(0, reference.lastIndexOf(':')));
    }

    @Test
    void aDependentIsRestartedInPlace() {
        ServiceConfig app = service("dependent", httpHealth(Duration.ofSeconds(20)), List.of());
        assertThat(deployer.deploy(app, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        String id = deployer.observe(app).id().orElseThrow();
        String startedBefore = Cli.run("docker", "inspect", "-f", "{{.State.StartedAt}}", id);

        assertThat(deployer.restart(app)).isTrue();

        assertThat(deployer.observe(app).id()).contains(id);
        assertThat(Cli.run("docker", "inspect", "-f", "{{.State.StartedAt}}", id))
                .isNotEqualTo(startedBefore);
        assertThat(answer(app.containerName())).isEqualTo("build=1");
    }

    @Test
    void adoptsAContainerStartedWithPlainDockerRun() {
        ServiceConfig web = service("adopt", httpHealth(Duration.ofSeconds(20)), List.of());
        String foreignId = Cli.run("docker", "run", "-d", "--name", web.containerName(), REPO + ":b1");
        Workload before = deployer.observe(web);
        assertThat(before.managed()).isFalse();
        assertThat(before.runs(build1)).isTrue();
        assertThat(deployer.deploy(web, build1, REGISTRY).reason()).contains("already running");

        DeployResult result = deployer.deploy(web, build2, REGISTRY);

        assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.from()).contains(build1);
        assertThat(containersNamed(web.containerName())).hasSize(1);
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
        Workload after = deployer.observe(web);
        assertThat(after.managed()).isTrue();
        assertThat(after.id()).isNotEqualTo(Optional.of(foreignId));
        assertThat(answer(web.containerName())).isEqualTo("build=2");
    }

    @Test
    void recoverRollsBackADeployKilledBetweenCreateAndHealth() {
        ServiceConfig web = service("recover", httpHealth(Duration.ofSeconds(5)), List.of());
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        String oldId = deployer.observe(web).id().orElseThrow();
        // What a kill -9 in the middle of a deploy leaves: old stopped and aside, new created, never started.
        docker.stop(oldId, Duration.ofSeconds(2));
        docker.rename(oldId, ContainerNames.aside(web.containerName()));
        docker.create(ContainerSpecs.forDeploy(web, unhealthy));

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().startsWith(web.name() + ": rolled back");
        assertThat(deployer.observe(web).id()).contains(oldId);
        assertThat(answer(web.containerName())).isEqualTo("build=1");
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
    }

    @Test
    void recoverFinishesADeployWhoseNewContainerIsHealthy() {
        ServiceConfig web = service("finish", httpHealth(Duration.ofSeconds(20)), List.of());
        assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        String oldId = deployer.observe(web).id().orElseThrow();
        docker.stop(oldId, Duration.ofSeconds(2));
        docker.rename(oldId, ContainerNames.aside(web.containerName()));
        docker.start(docker.create(ContainerSpecs.forDeploy(web, build2)));

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("finished interrupted deploy");
        assertThat(answer(web.containerName())).isEqualTo("build=2");
        assertThat(containersWithPrefix(web.containerName())).containsExactly(web.containerName());
    }

    @Test
    void pullsWithRegistryCredentialsAndFailsCleanlyWithoutThem() throws Exception {
        Path dockerConfig = Files.createTempDirectory("it-deploy-docker-config");
        Map<String, String> env = Map.of("DOCKER_CONFIG", dockerConfig.toString());
        String authRepo = "127.0.0.1:5001/" + PREFIX + "/private";
        Cli.run(env, "sh", "-c", "echo tester-secret | docker login -u tester --password-stdin 127.0.0.1:5001");
        String ref = Cli.buildImage(env, authRepo + ":b7", "7");
        Digest digest = Cli.pushedDigest(docker, ref, authRepo);
        Cli.run("docker", "rmi", ref); // so the deploy must really pull
        ServiceConfig priv = ServiceConfig.builder("private", ImageRef.parse(authRepo, "b7"))
                .containerName(name("private"))
                .mode(ServiceConfig.UpdateMode.AUTO)
                .health(httpHealth(Duration.ofSeconds(20)))
                .stopTimeout(Duration.ofSeconds(2))
                .restartPolicy("no")
                .build();

        DeployResult anonymous = deployer.deploy(priv, digest, RegistryConfig.anonymous("127.0.0.1:5001"));
        assertThat(anonymous.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(anonymous.reason()).startsWith("pull failed");

        RegistryConfig withCredentials = new RegistryConfig(
                "127.0.0.1:5001", true, Optional.of("tester"), Optional.of(new Secret("tester-secret")));
        DeployResult result = deployer.deploy(priv, digest, withCredentials);
        assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).doesNotContain("tester-secret");
        assertThat(answer(priv.containerName())).isEqualTo("build=7");
        Cli.tryRun(env, "docker", "logout", "127.0.0.1:5001");
    }
}
