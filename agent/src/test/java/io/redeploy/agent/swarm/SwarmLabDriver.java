package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.time.Sleeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The test step of scripts/swarm-lab.sh (not a JUnit test: it needs the lab's multi-node swarm). With SwarmApi on the
 * manager: forwards the registry credentials, rolls build 1 out to every worker, rolling-updates to build 2 and checks
 * that every task moved; proves the workers cannot pull without the credentials and that a worker's engine is refused
 * as no manager. Prints one {@code key=value} result line; exits non-zero on any failed check.
 */
public final class SwarmLabDriver {
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    private static final String LABEL = "io.redeploy.swarmlab=service";

    private SwarmLabDriver() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        String repo = a.get("registry") + "/" + a.get("repository");
        String tag = a.get("tag");
        Digest first = Digest.parse(a.get("first"));
        Digest second = Digest.parse(a.get("second"));
        String service = a.get("service");
        int replicas = Integer.parseInt(a.getOrDefault("replicas", "4"));
        SwarmRegistryAuth auth = new SwarmRegistryAuth(
                a.get("registry"),
                a.get("username"),
                Files.readString(Path.of(a.get("password-file")), StandardCharsets.UTF_8)
                        .strip());
        String firstImage = repo + ":" + tag + "@" + first;
        boolean ok = false;
        try (SwarmApi api = SwarmApi.connect(a.getOrDefault("manager-socket", "unix:///var/run/docker.sock"))) {
            api.requireManager();
            Map<String, String> hostnames =
                    api.nodes().stream().collect(Collectors.toMap(SwarmNode::id, SwarmNode::hostname));
            String workerCheck = workerRefused(a.get("worker-socket"));
            SwarmUpdateFollower follower =
                    new SwarmUpdateFollower(api, Clock.systemUTC(), Sleeper.real(), Duration.ofMillis(500));
            try {
                String noCredentials = pullWithoutCredentials(api, service + "-nocreds", firstImage);

                // No task yet (0 replicas): the credentials go in with SwarmApi before any worker pulls.
                cli(
                        "docker",
                        "service",
                        "create",
                        "-d",
                        "--quiet",
                        "--name",
                        service,
                        "--label",
                        LABEL,
                        "--replicas",
                        "0",
                        "--constraint",
                        "node.role==worker",
                        "--placement-pref",
                        "spread=node.id",
                        "--stop-grace-period",
                        "1s",
                        "--update-monitor",
                        "2s",
                        "--health-cmd",
                        "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1",
                        "--health-interval",
                        "1s",
                        "--health-timeout",
                        "5s",
                        "--health-retries",
                        "3",
                        "--no-resolve-image",
                        firstImage);
                api.updateImage(
                        api.inspectService(service).orElseThrow(),
                        firstImage,
                        Optional.of(auth),
                        SwarmUpdateConfig.none());
                // The CLI's scale sends no credentials: the engine keeps those SwarmApi forwarded.
                cli("docker", "service", "scale", "-d", service + "=" + replicas);
                SwarmUpdateOutcome rollout = follower.follow(service, first, ROLLOUT);
                Map<String, Integer> firstSpread = spread(api, service, first, hostnames);

                SwarmUpdateSubmitted update = api.updateDigest(
                        api.inspectService(service).orElseThrow(),
                        second,
                        Optional.of(auth),
                        SwarmUpdateConfig.none().withOrder(SwarmUpdateConfig.Order.START_FIRST));
                SwarmUpdateOutcome updated = follower.follow(service, second, ROLLOUT);
                Map<String, Integer> secondSpread = spread(api, service, second, hostnames);
                long stillOnFirst = running(api, service).stream()
                        .filter(t -> t.runs(first))
                        .count();

                ok = rollout.result() == SwarmUpdateOutcome.Result.DEPLOYED
                        && updated.result() == SwarmUpdateOutcome.Result.DEPLOYED
                        && secondSpread.values().stream()
                                        .mapToInt(Integer::intValue)
                                        .sum()
                                == replicas
                        && stillOnFirst == 0
                        && !secondSpread.containsKey(hostnames.get(api.info().nodeId()))
                        && workerCheck.startsWith("refused")
                        && noCredentials.startsWith("refused");
                System.out.printf(
                        "swarm-lab result=%s at=%s nodes=%d service=%s replicas=%d%n"
                                + "  rollout_build1=%s in %d ms tasks_per_node=%s digest1=%s%n"
                                + "  update_build2=%s in %d ms (%s) tasks_per_node=%s digest2=%s still_on_build1=%d%n"
                                + "  image=%s%n  without_credentials: %s%n  worker_engine: %s%n",
                        ok ? "pass" : "FAIL",
                        Instant.now(),
                        hostnames.size(),
                        service,
                        replicas,
                        rollout.result().label(),
                        rollout.elapsed().toMillis(),
                        firstSpread,
                        first.shortForm(),
                        updated.result().label(),
                        updated.elapsed().toMillis(),
                        updated.message(),
                        secondSpread,
                        second.shortForm(),
                        stillOnFirst,
                        update.image(),
                        noCredentials,
                        workerCheck);
            } finally {
                cli("docker", "service", "rm", service);
            }
        }
        System.exit(ok ? 0 : 1);
    }

    /** Running tasks on {@code digest} per node hostname. */
    private static Map<String, Integer> spread(SwarmApi api, String service, Digest digest, Map<String, String> hosts) {
        Map<String, Integer> perNode = new TreeMap<>();
        running(api, service).stream()
                .filter(t -> t.runs(digest))
                .forEach(t -> perNode.merge(hosts.getOrDefault(t.nodeId(), t.nodeId()), 1, Integer::sum));
        return perNode;
    }

    private static List<SwarmTask> running(SwarmApi api, String service) {
        return api.tasks(api.inspectService(service).orElseThrow().id()).stream()
                .filter(SwarmTask::isRunning)
                .toList();
    }

    /** A service without credentials: its first task error on a worker ("refused: ...") within a minute. */
    private static String pullWithoutCredentials(SwarmApi api, String service, String image) throws Exception {
        cli(
                "docker",
                "service",
                "create",
                "-d",
                "--quiet",
                "--name",
                service,
                "--label",
                LABEL,
                "--replicas",
                "1",
                "--constraint",
                "node.role==worker",
                "--no-resolve-image",
                image);
        try {
            String id = api.inspectService(service).orElseThrow().id();
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                for (SwarmTask t : api.tasks(id)) {
                    if (t.isRunning()) return "PULLED without credentials (task " + t.id() + ")";
                    if (!t.error().isEmpty()) return "refused: " + t.state() + ": " + t.error();
                }
                Thread.sleep(500);
            }
            return "no task error within 60 s";
        } finally {
            cli("docker", "service", "rm", service);
        }
    }

    private static String workerRefused(String workerSocket) {
        try (SwarmApi worker = SwarmApi.connect(workerSocket)) {
            worker.requireManager();
            return "ACCEPTED as a manager";
        } catch (NotASwarmManagerException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static void cli(String... command) {
        Sh.run(command);
    }
}
