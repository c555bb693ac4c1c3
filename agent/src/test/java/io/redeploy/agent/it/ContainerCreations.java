package io.redeploy.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the engine itself reports ({@code docker events}) about the creation and removal of the containers whose
 * name starts with a prefix, per agent service (label {@code redeploy-agent.service}). A deploy creates the new
 * container while the old one still exists aside and removes the old one at its end, so a service has at most two
 * containers at any moment; two deploys of it in flight at once would make a third.
 *
 * <p>Streamed from the start rather than replayed at the end: the engine keeps only its last 256 events, and
 * health-check execs of every container on a shared engine push ours out within minutes.
 */
final class ContainerCreations implements AutoCloseable {
    private final String namePrefix;
    private final Process events;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ContainerCreations(String namePrefix, Process events) {
        this.namePrefix = namePrefix;
        this.events = events;
        this.reader = new Thread(this::read, "docker-events");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts recording; {@code --since} also replays what happened between {@code since} and the subscription. */
    static ContainerCreations record(String namePrefix, Instant since) {
        try {
            Process p = new ProcessBuilder(
                            "docker",
                            "events",
                            "--since",
                            String.valueOf(since.getEpochSecond() - 1),
                            "--filter",
                            "type=container",
                            "--filter",
                            "event=create",
                            "--filter",
                            "event=destroy",
                            "--format",
                            "{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes \"redeploy-agent.service\"}}")
                    .redirectErrorStream(true)
                    .start();
            return new ContainerCreations(namePrefix, p);
        } catch (IOException e) {
            throw new IllegalStateException("docker events: " + e.getMessage(), e);
        }
    }

    private void read() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) lines.add(line.trim());
        } catch (IOException ignored) {
            // the process was stopped
        }
    }

    /** Creations per service. */
    Map<String, Integer> creates() {
        Map<String, Integer> creates = new HashMap<>();
        for (String[] e : ours()) {
            if (e[0].equals("create")) creates.merge(e[2], 1, Integer::sum);
        }
        return creates;
    }

    /** The most containers each service had at the same time. */
    Map<String, Integer> mostAtOnce() {
        Map<String, Integer> alive = new HashMap<>();
        Map<String, Integer> most = new HashMap<>();
        for (String[] e : ours()) {
            int now = alive.merge(e[2], e[0].equals("create") ? 1 : -1, Integer::sum);
            most.merge(e[2], now, Math::max);
        }
        return most;
    }

    private List<String[]> ours() {
        return lines.stream()
                .map(l -> l.split(" "))
                .filter(f -> f.length >= 3 && f[1].startsWith(namePrefix))
                .toList();
    }

    @Override
    public void close() {
        events.destroy();
    }
}
