package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container on the service's overlay network that asks a dnsrr service every ~20 ms (a fresh DNS lookup each
 * time, as dnsrr clients do, then HTTP on port 8080) and prints {@code ok <body>} or {@code fail <error>} per request.
 */
final class OverlayProbe implements AutoCloseable {
    private final String container;

    private OverlayProbe(String container) {
        this.container = container;
    }

    static OverlayProbe start(SwarmFixture swarm, String name, String network, String image, String serviceName) {
        // `timeout`, not wget's own -T: Debian's busybox-static 1.35 wget crashes (SIGSEGV) whenever -T is given.
        String loop = "while :; do if r=$(timeout 2 wget -q -O - http://" + serviceName + ":8080/ 2>&1);"
                + " then echo \"ok $r\"; else echo \"fail $r\" | tr '\\n' ' '; echo; fi; usleep 20000; done";
        return new OverlayProbe(swarm.runContainer(
                name, "--network", network, "--entrypoint", "/bin/busybox", image, "sh", "-c", loop));
    }

    List<String> lines() {
        return Sh.run("docker", "logs", container).lines().toList();
    }

    /** Answers per body ({@code build=1}) and {@code fail} for failed requests, from the {@code from}th on. */
    Map<String, Integer> countsFrom(int from) {
        Map<String, Integer> counts = new TreeMap<>();
        List<String> lines = lines();
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            if (!line.startsWith("ok ")) System.out.println("swarm-it probe: " + line);
            counts.merge(line.startsWith("ok ") ? line.substring(3).strip() : "fail", 1, Integer::sum);
        }
        return counts;
    }

    /** Waits until the last {@code n} answers all say {@code body}. */
    void awaitSteady(String body, int n, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<String> lines = lines();
            if (lines.size() >= n
                    && lines.subList(lines.size() - n, lines.size()).stream().allMatch(l -> l.equals("ok " + body))) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the probe did not answer " + body + " " + n + " times in a row within "
                        + timeout + "; last lines: " + lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        Sh.tryRun("docker", "rm", "-f", container);
    }
}
