package io.redeploy.agent.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test images built once and published under as many repositories as the tests need: building one takes
 * seconds on a loaded box, tagging and pushing an already-built image a fraction of that (the registry has its
 * layers). Each repository still sees its own tags, and the same build has the same digest everywhere.
 */
final class TestImages implements AutoCloseable {
    private final String cacheRepository =
            LocalStack.REGISTRY + "/lc/images-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> built = new LinkedHashMap<>();
    private final List<String> published = new ArrayList<>();

    /** Tags {@code ref} (repo:tag) with the test image for {@code buildId} in {@code mode} and pushes it. */
    synchronized void publish(String ref, String buildId, String... options) {
        String key = buildId + " " + String.join(" ", options);
        String local = built.computeIfAbsent(key, k -> cacheRepository + ":" + built.size());
        try {
            LocalStack.exec("docker", "image", "inspect", local);
        } catch (IllegalStateException notBuiltOrRemoved) {
            // First use, or removed by something else sharing this engine (a prune): build it (again).
            List<String> args = new ArrayList<>(List.of(options));
            args.add("--no-push");
            LocalStack.pushTestImage(local, buildId, args.toArray(String[]::new));
        }
        LocalStack.exec("docker", "tag", local, ref);
        LocalStack.exec("docker", "push", "-q", ref);
        published.add(ref);
    }

    /** Drops the local names, tags and the digests the agent pulled by (layers stay while a container uses them). */
    @Override
    public synchronized void close() {
        List<String> refs = new ArrayList<>();
        for (String ref : published) {
            String repository = ref.substring(0, ref.lastIndexOf(':'));
            String digests = LocalStack.exec(
                    "docker", "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}", repository);
            digests.lines().filter(d -> !d.endsWith("@<none>")).forEach(refs::add);
            refs.add(ref);
        }
        refs.addAll(built.values());
        for (String ref : refs) {
            try {
                LocalStack.exec("docker", "rmi", ref);
            } catch (IllegalStateException inUseOrGone) {
            }
        }
        published.clear();
        built.clear();
    }
}
