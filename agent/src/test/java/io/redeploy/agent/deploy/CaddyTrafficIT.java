package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.TrafficConfig;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitches;
import io.redeploy.agent.traffic.caddy.CaddyAdmin;
import io.redeploy.agent.traffic.caddy.CaddyProcess;
import io.redeploy.agent.traffic.caddy.CaddyRoute;
import io.redeploy.agent.traffic.caddy.CaddySwitch;
import io.redeploy.agent.traffic.caddy.UpstreamTrafficSwitch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code strategy: start-first} behind a real Caddy ({@code traffic: caddy}, Debian's binary through
 * {@link CaddyProcess}) on the real engine with the busybox test image: a client sends a request through Caddy on a
 * new connection every 20 ms across redeploys and a broken build and none may fail; Caddy's admin API unreachable or
 * refusing the switch rolls the deploy back with the old container serving; a restarted Caddy gets its route back at
 * the next poll or deploy; two services behind one Caddy are switched independently. Everything is prefixed with a
 * random {@code it-caddy-xxxxxx} and removed afterwards.
 */
class CaddyTrafficIT {
    private static final String PREFIX =
            "it-caddy-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String WEB_REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static final String API_REPO = "127.0.0.1:5000/" + PREFIX + "/api";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private static DockerJavaGateway docker;
    private static final Map<String, Digest> builds = new HashMap<>();

    private CaddyProcess caddy;

    @BeforeAll
    static void buildImages() {
        docker = DockerJavaGateway.connect(DockerConfig.DEFAULT_HOST);
        docker.ping(); // fails, not skips, when the stack is not there
        for (int i = 1; i <= 3; i++) {
            builds.put("web" + i, build(WEB_REPO, "b" + i, String.valueOf(i)));
        }
        builds.put("web-broken", build(WEB_REPO, "unhealthy", "99", "unhealthy"));
        builds.put("api1", build(API_REPO, "b1", "101"));
        builds.put("api2", build(API_REPO, "b2", "102"));
    }

    private static Digest build(String repo, String tag, String buildId, String... options) {
        String ref = Cli.buildImage(Map.of(), repo + ":" + tag, buildId, options);
        return Cli.pushedDigest(docker, ref, repo);
    }

    @BeforeEach
    void startCaddy() throws Exception {
        caddy = CaddyProcess.start();
    }

    @AfterEach
    void stopCaddyAndRemoveContainers() throws Exception {
        try {
            caddy.close();
        } finally {
            Cli.removeContainersNamed(PREFIX);
        }
    }

    @AfterAll
    static void removeImages() {
        Cli.removeImagesUnder(PREFIX);
        docker.close();
    }

    private static ServiceConfig service(String name, String repo, URI admin) {
        return ServiceConfig.builder(name, ImageRef.parse(repo, "main"))
                .containerName(PREFIX + "-" + name)
                .mode(ServiceConfig.UpdateMode.AUTO)
                .health(new HealthCheckConfig(
                        HealthCheckConfig.Type.HTTP, "/", 8080, Duration.ofSeconds(4), Duration.ofMillis(200)))
                .stopTimeout(Duration.ofSeconds(1)) // busybox httpd as PID 1 ignores SIGTERM
                .restartPolicy("no")
                .labels(Map.of("it", PREFIX))
                .strategy(ServiceConfig.Strategy.START_FIRST)
                .traffic(Optional.of(new TrafficConfig.Caddy(
                        admin, CaddyProcess.PLAIN, List.of(name + ".test"), 8080, Duration.ofSeconds(2))))
                .build();
    }

    /** As the agent wires them (ServiceSwitches): one Caddy route per service, through the admin API at its URL. */
    private static TrafficSwitches switches(List<ServiceConfig> services) {
        Map<String, TrafficSwitch> switches = new HashMap<>();
        for (ServiceConfig service : services) {
            TrafficConfig.Caddy config = (TrafficConfig.Caddy) service.traffic().orElseThrow();
            CaddyAdmin admin = CaddyAdmin.create(config.admin(), Duration.ofSeconds(2), Duration.ofSeconds(15));
            switches.put(
                    service.name(),
                    new UpstreamTrafficSwitch(new CaddySwitch(
                            admin,
                            new CaddyRoute(service.name(), config.server(), config.hosts()),
                            Clock.systemUTC(),
                            Sleeper.real(),
                            CaddySwitch.DEFAULT_DRAIN_POLL)));
        }
        return name -> Optional.ofNullable(switches.get(name));
    }

    private static ContainerTarget deployer(List<ServiceConfig> services) {
        return Targets.of(
                docker,
                new DefaultHealthGates(docker, Clock.systemUTC(), Sleeper.real()),
                Clock.systemUTC(),
                Duration.ofMinutes(2),
                DeployHooks.NONE,
                switches(services));
    }

    /** One HTTP/1.0 request through Caddy's plain server on a fresh connection: the body, or why it failed. */
    private String get(String host) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", caddy.httpPort()), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ")) {
                return "FAIL: "
                        + (response.isEmpty()
                                ? "closed without an answer"
                                : response.lines().findFirst().orElse(""));
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
        } catch (IOException e) {
            return "FAIL: " + e;
        }
    }

    private List<String> containers() {
        return List.of(Cli.run("docker", "ps", "-a", "--format", "{{.Names}}", "--filter", "name=" + PREFIX)
                .split("\n"));
    }

    @Test
    void requestsThroughCaddyNeverFailAcrossRedeploysAndABrokenBuild() throws Exception {
        ServiceConfig web = service("web", WEB_REPO, caddy.adminUrl());
        ContainerTarget deployer = deployer(List.of(web));
        assertThat(deployer.deploy(web, builds.get("web1"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(get("web.test")).isEqualTo("build=1");

        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean probing = new AtomicBoolean(true);
        Thread prober = new Thread(
                () -> {
                    while (probing.get()) {
                        String answer = get("web.test");
                        answers.add(answer.startsWith("FAIL") ? answer + " at " + Instant.now() : answer);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "probe");
        prober.start();
        DeployResult second = deployer.deploy(web, builds.get("web2"), REGISTRY);
        DeployResult broken = deployer.deploy(web, builds.get("web-broken"), REGISTRY);
        String afterBroken = get("web.test");
        DeployResult third = deployer.deploy(web, builds.get("web3"), REGISTRY);
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.contains("build=3"));
        probing.set(false);
        prober.join();

        assertThat(List.of(second.outcome(), third.outcome())).containsOnly(Outcome.DEPLOYED);
        assertThat(broken.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(broken.reason()).startsWith("health (");
        assertThat(afterBroken)
                .as("the old build serves on after the broken one")
                .isEqualTo("build=2");
        List<String> failed;
        synchronized (answers) {
            failed = answers.stream().filter(a -> a.startsWith("FAIL")).toList();
            System.out.println("caddy probe: " + answers.size() + " requests, " + failed.size() + " failed");
        }
        assertThat(failed)
                .as("failed requests through Caddy\n" + caddy.logTail())
                .isEmpty();
        assertThat(answers).contains("build=1", "build=2", "build=3").doesNotContain("build=99");
        assertThat(containers()).containsExactly(web.containerName());
    }

    @Test
    void anUnreachableOrRefusingAdminApiRollsTheDeployBackAndTheOldContainerServesOn() throws Exception {
        ServiceConfig web = service("web", WEB_REPO, caddy.adminUrl());
        assertThat(deployer(List.of(web))
                        .deploy(web, builds.get("web1"), REGISTRY)
                        .outcome())
                .isEqualTo(Outcome.DEPLOYED);

        ServiceConfig unreachable = service("web", WEB_REPO, URI.create("http://127.0.0.1:" + closedPort()));
        DeployResult refusedEarly = deployer(List.of(unreachable)).deploy(unreachable, builds.get("web2"), REGISTRY);

        assertThat(refusedEarly.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(refusedEarly.reason()).startsWith("traffic switch (caddy http://127.0.0.1:");
        assertThat(refusedEarly.worthRetrying()).isTrue();
        assertThat(get("web.test")).isEqualTo("build=1");
        assertThat(containers()).containsExactly(web.containerName());

        try (RefusingAdmin guard = RefusingAdmin.in(caddy.adminUrl())) {
            ServiceConfig refusing = service("web", WEB_REPO, guard.url());
            DeployResult refused = deployer(List.of(refusing)).deploy(refusing, builds.get("web2"), REGISTRY);

            assertThat(refused.outcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(refused.reason())
                    .startsWith("traffic switch (caddy " + guard.url() + ") failed: ")
                    .contains("refused by the test's guard");
        }
        assertThat(get("web.test")).isEqualTo("build=1");
        assertThat(containers()).containsExactly(web.containerName());
    }

    @Test
    void aRestartedCaddyGetsItsRouteBackAtTheNextPollAndAtTheNextDeploy() throws Exception {
        ServiceConfig web = service("web", WEB_REPO, caddy.adminUrl());
        ContainerTarget deployer = deployer(List.of(web));
        assertThat(deployer.deploy(web, builds.get("web1"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);

        caddy.kill();
        caddy.startFromConfigFile();
        assertThat(get("web.test")).as("the route is lost").startsWith("FAIL: HTTP/1.0 404");
        deployer.observe(web); // a poll
        assertThat(get("web.test")).isEqualTo("build=1");

        caddy.kill();
        caddy.startFromConfigFile();
        assertThat(deployer.deploy(web, builds.get("web2"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(get("web.test")).isEqualTo("build=2");
    }

    @Test
    void twoServicesBehindOneCaddyAreSwitchedIndependently() {
        ServiceConfig web = service("web", WEB_REPO, caddy.adminUrl());
        ServiceConfig api = service("api", API_REPO, caddy.adminUrl());
        ContainerTarget deployer = deployer(List.of(web, api));
        assertThat(deployer.deploy(web, builds.get("web1"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(deployer.deploy(api, builds.get("api1"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(get("web.test")).isEqualTo("build=1");
        assertThat(get("api.test")).isEqualTo("build=101");

        assertThat(deployer.deploy(web, builds.get("web2"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(get("web.test")).isEqualTo("build=2");
        assertThat(get("api.test")).isEqualTo("build=101");

        assertThat(deployer.deploy(api, builds.get("api2"), REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(get("api.test")).isEqualTo("build=102");
        assertThat(get("web.test")).isEqualTo("build=2");
        assertThat(containers()).containsExactlyInAnyOrder(web.containerName(), api.containerName());
    }

    /** What a {@code kill -9} of the agent looks like to the deploy: it stops dead, nothing after runs. */
    private static final class AgentKilled extends Error {
        AgentKilled() {
            super("agent killed (test)");
        }
    }

    @Test
    void anAgentKilledBetweenTheSwitchAndTheDrainIsRecoveredWithCaddyOnTheRunningContainer() throws Exception {
        ServiceConfig web = service("web", WEB_REPO, caddy.adminUrl());
        assertThat(deployer(List.of(web))
                        .deploy(web, builds.get("web1"), REGISTRY)
                        .outcome())
                .isEqualTo(Outcome.DEPLOYED);
        TrafficSwitch real = switches(List.of(web)).forService("web").orElseThrow();
        TrafficSwitch dyingAtTheDrain = new TrafficSwitch() {
            @Override
            public Optional<ForwardTarget> switchTo(ForwardTarget target) {
                return real.switchTo(target);
            }

            @Override
            public Optional<ForwardTarget> target() {
                return real.target();
            }

            @Override
            public int awaitDrained(ForwardTarget target, Duration timeout) {
                throw new AgentKilled();
            }

            @Override
            public boolean ensure() {
                return real.ensure();
            }
        };
        ContainerTarget dying = Targets.of(
                docker,
                new DefaultHealthGates(docker, Clock.systemUTC(), Sleeper.real()),
                Clock.systemUTC(),
                Duration.ofMinutes(2),
                DeployHooks.NONE,
                name -> Optional.of(dyingAtTheDrain));
        assertThatThrownBy(() -> dying.deploy(web, builds.get("web2"), REGISTRY))
                .isInstanceOf(AgentKilled.class);
        assertThat(get("web.test")).as("Caddy serves from the new container").isEqualTo("build=2");
        assertThat(containers())
                .containsExactlyInAnyOrder(web.containerName(), ContainerNames.starting(web.containerName()));

        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean probing = new AtomicBoolean(true);
        Thread prober = new Thread(
                () -> {
                    while (probing.get()) {
                        answers.add(get("web.test"));
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "probe");
        prober.start();
        ContainerTarget restarted = deployer(List.of(web)); // a new agent: nothing adopted yet
        List<String> recovered = RecoveryLines.of(restarted.recover(List.of(web)));
        restarted.pointProxies(List.of(web));
        Thread.sleep(300);
        probing.set(false);
        prober.join();

        assertThat(recovered).singleElement().asString().startsWith("web: removed ");
        assertThat(get("web.test")).isEqualTo("build=1");
        assertThat(containers()).containsExactly(web.containerName());
        assertThat(answers).as("requests during recovery").noneMatch(a -> a.startsWith("FAIL"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
