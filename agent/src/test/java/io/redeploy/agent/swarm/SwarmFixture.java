package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A single-node swarm on the shared engine, for one test class: initialised only if the engine is in no swarm, and
 * left (with every service, container, network and image the tests made, and the docker_gwbridge that the swarm
 * brought) when closed, also after a failure, and by a shutdown hook if the JVM ends first.
 */
final class SwarmFixture implements AutoCloseable {
    static final String REGISTRY = "127.0.0.1:5000";
    static final String AUTH_REGISTRY = "127.0.0.1:5001";

    final String prefix = "swarmit-" + UUID.randomUUID().toString().substring(0, 6);
    private final List<String> services = Collections.synchronizedList(new ArrayList<>());
    private final List<String> containers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> networks = Collections.synchronizedList(new ArrayList<>());
    private final List<String> images = Collections.synchronizedList(new ArrayList<>());
    private final boolean gwbridgeExisted;
    private final Thread hook = new Thread(this::cleanUp, "swarm-fixture-cleanup");
    private boolean closed;

    private SwarmFixture() {
        gwbridgeExisted =
                Sh.tryRun("docker", "network", "inspect", "docker_gwbridge").exitCode() == 0;
    }

    /** Initialises a swarm on the engine; fails (never skips) if the engine is already in one: not ours to use. */
    static SwarmFixture init() {
        leaveLeftoverTestSwarm();
        String state = Sh.run("docker", "info", "--format", "{{.Swarm.LocalNodeState}}");
        if (!state.equals("inactive")) {
            throw new IllegalStateException("the shared engine is already in a swarm (LocalNodeState=" + state
                    + "): another test or developer uses it; not initialising or leaving it");
        }
        SwarmFixture f = new SwarmFixture();
        Runtime.getRuntime().addShutdownHook(f.hook);
        Sh.run("docker", "swarm", "init", "--advertise-addr", "127.0.0.1");
        return f;
    }

    /**
     * Leaves a swarm that a killed test run left behind: one node advertising 127.0.0.1 and no services is what
     * {@code docker swarm init --advertise-addr 127.0.0.1} makes and no real swarm looks like (its nodes must reach
     * each other). Any other swarm is left alone, and {@link #init()} refuses to use the engine.
     */
    static void leaveLeftoverTestSwarm() {
        String info =
                Sh.run("docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.NodeAddr}} {{.Swarm.Nodes}}");
        if (!info.equals("active 127.0.0.1 1")) {
            return;
        }
        if (!Sh.tryRun("docker", "service", "ls", "-q").output().isBlank()) {
            return;
        }
        System.out.println("swarm-fixture: leaving a one-node test swarm on 127.0.0.1 that an earlier run left behind");
        Sh.run("docker", "swarm", "leave", "--force");
        removeNetwork("docker_gwbridge");
    }

    /** Builds (scripts/build-test-image.sh) and pushes {@code 127.0.0.1:5000/<prefix>/<name>:<tag>}. */
    String image(String name, String tag, String build, String... options) {
        String ref = REGISTRY + "/" + prefix + "/" + name + ":" + tag;
        List<String> cmd = new ArrayList<>(
                List.of(Sh.repoRoot().resolve("scripts/build-test-image.sh").toString(), ref, build));
        cmd.addAll(List.of(options));
        images.add(ref);
        Sh.run(cmd.toArray(String[]::new));
        return ref;
    }

    /** Tags a local image as {@code target} and pushes it, with the CLI config in {@code env} (a login). */
    void tagAndPush(Map<String, String> env, String source, String target) {
        images.add(target);
        Sh.run("docker", "tag", source, target);
        Sh.run(env, "docker", "push", "-q", target);
    }

    /** The digest {@code ref} was pushed as, from the local image's RepoDigests. */
    static Digest pushedDigest(String ref) {
        String repository = ref.substring(0, ref.lastIndexOf(':'));
        return Sh.run("docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", ref)
                .lines()
                .filter(line -> line.startsWith(repository + "@"))
                .map(line -> Digest.parse(line.substring(line.indexOf('@') + 1)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(ref + " has no digest in " + repository));
    }

    /** {@code repo:tag@digest} for a pushed image. */
    static String pinned(String ref) {
        return ref + "@" + pushedDigest(ref);
    }

    String overlayNetwork(String name) {
        String full = prefix + "-" + name;
        networks.add(full);
        Sh.run("docker", "network", "create", "--driver", "overlay", "--attachable", "--label", "it=" + prefix, full);
        return full;
    }

    /** {@code docker service create -d --name <prefix>-<name> <args>}; returns the full name. */
    String createService(String name, String... args) {
        String full = prefix + "-" + name;
        services.add(full);
        List<String> cmd = new ArrayList<>(
                List.of("docker", "service", "create", "-d", "--quiet", "--name", full, "--label", "it=" + prefix));
        cmd.addAll(List.of(args));
        Sh.run(cmd.toArray(String[]::new));
        return full;
    }

    void registerService(String fullName) {
        services.add(fullName);
    }

    void registerNetwork(String fullName) {
        networks.add(fullName);
    }

    void registerImage(String ref) {
        images.add(ref);
    }

    /** {@code docker run -d --name <prefix>-<name> <args>}; returns the full name. */
    String runContainer(String name, String... args) {
        String full = prefix + "-" + name;
        containers.add(full);
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", full));
        cmd.addAll(List.of(args));
        Sh.run(cmd.toArray(String[]::new));
        return full;
    }

    void removeService(String fullName) {
        Sh.tryRun("docker", "service", "rm", fullName);
        services.remove(fullName);
    }

    @Override
    public synchronized void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (String c : List.copyOf(containers)) Sh.tryRun("docker", "rm", "-f", c);
        for (String s : List.copyOf(services)) Sh.tryRun("docker", "service", "rm", s);
        Sh.tryRun("docker", "swarm", "leave", "--force");
        // The tasks' containers go with the swarm; networks may need a moment to be released.
        for (String n : List.copyOf(networks)) removeNetwork(n);
        if (!gwbridgeExisted) removeNetwork("docker_gwbridge");
        List<String> refs = new ArrayList<>();
        for (String ref : List.copyOf(images)) {
            String repository = ref.substring(0, ref.lastIndexOf(':'));
            Sh.tryRun("docker", "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}", repository)
                    .output()
                    .lines()
                    .filter(d -> d.startsWith(repository + "@sha"))
                    .forEach(refs::add);
            refs.add(ref);
        }
        for (String ref : refs) Sh.tryRun("docker", "rmi", "-f", ref);
    }

    private static void removeNetwork(String name) {
        for (int i = 0; i < 20; i++) {
            Sh.Result r = Sh.tryRun("docker", "network", "rm", name);
            if (r.exitCode() == 0
                    || r.output().contains("No such network")
                    || r.output().contains("not found")) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
