package io.redeploy.agent.it;

import java.time.Duration;
import java.util.Optional;

/** The kill loop on the small test image: an HTTP server that answers {@code build=<id>} on 8080, up in ~100 ms. */
final class TestImageBuilds implements KillLoopBuilds {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(6);
    private final TestImages images = new TestImages();

    @Override
    public String kind() {
        return "test";
    }

    @Override
    public Duration healthTimeout() {
        return HEALTH_TIMEOUT;
    }

    @Override
    public Duration stopTimeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public String serviceYaml(KillLoopStack stack, KillLoopStack.Service s) {
        String gate = "    health: { type: http, port: 8080, path: /, timeout: " + HEALTH_TIMEOUT.toSeconds()
                + "s, interval: 200ms }\n";
        return gate
                + switch (s.key) {
                    case "web" -> "    ports: [\"127.0.0.1:" + s.port + ":8080\"]\n    adopt: spec\n";
                    case "base" -> "    ports: [\"127.0.0.1:" + s.port + ":8080\"]\n";
                    default ->
                        "    strategy: start-first\n"
                                + "    proxy: { listen: \"127.0.0.1:" + s.port
                                + "\", container_port: 8080, drain: 1s }\n"
                                + "    depends_on: [base]\n    restart_on_dependency_update: true\n";
                };
    }

    @Override
    public int deployMs(KillLoop.Scenario scenario, boolean broken) {
        return broken ? scenario.brokenMs : scenario.healthyMs;
    }

    @Override
    public void publish(KillLoopStack.Service s, String build, boolean broken) {
        if (broken) {
            images.publish(s.image() + ":main", build, "unhealthy");
        } else {
            images.publish(s.image() + ":main", build);
        }
    }

    @Override
    public Optional<String> answer(KillLoopStack.Service s) {
        return LocalStack.answer(s.port);
    }

    @Override
    public boolean restartsWithBase(KillLoopStack.Service s) {
        return s.key.equals("front");
    }

    @Override
    public UptimeProbe.Target probe(KillLoopStack.Service s) {
        return UptimeProbe.Target.buildAnswer(s.port);
    }

    @Override
    public void runByHand(KillLoopStack.Service s) {
        LocalStack.exec(
                "docker",
                "run",
                "-d",
                "--name",
                s.container,
                "-p",
                "127.0.0.1:" + s.port + ":8080",
                "--restart",
                "unless-stopped",
                s.image() + "@" + s.expectedDigest);
    }

    @Override
    public void close() {
        images.close();
    }
}
