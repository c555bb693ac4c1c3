package io.redeploy.agent.it;

import java.time.Duration;
import java.util.Optional;

/**
 * What a kill loop deploys: the images it pushes as new builds, the agent.yml entries of its three services, and how
 * to tell which build a service answers with. Two kinds: the small test image ({@link TestImageBuilds}, seconds per
 * deploy, the CI size) and the real survey stack ({@link SurveyBuilds}: survey-app on PostgreSQL, a JVM start and
 * migrations per deploy, a pg_dump hook before the database is replaced).
 */
interface KillLoopBuilds extends AutoCloseable {

    /** {@code -Dkillloop.images=test|survey} (default test). */
    static KillLoopBuilds fromSystemProperty(String run) {
        String kind = System.getProperty("killloop.images", "test");
        return switch (kind) {
            case "test" -> new TestImageBuilds();
            case "survey" -> new SurveyBuilds(run);
            default -> throw new IllegalArgumentException("killloop.images: test or survey, not " + kind);
        };
    }

    String kind();

    /** The services' health gate timeout: recovery may judge a build for this long. */
    Duration healthTimeout();

    Duration stopTimeout();

    /** The service's agent.yml keys beyond image, tag, container_name and stop_timeout (each line indented 4). */
    String serviceYaml(KillLoopStack stack, KillLoopStack.Service s);

    /** The usual time from trigger to the end of the scenario's deploy, in ms: kills land in [0, it]. */
    int deployMs(KillLoop.Scenario scenario, boolean broken);

    /** Pushes {@code build} of the service as {@code :main}: healthy, or broken (never passes its gate). */
    void publish(KillLoopStack.Service s, String build, boolean broken);

    /** {@code build=<id>} when the service's public port answers, else empty. */
    Optional<String> answer(KillLoopStack.Service s);

    /** Whether the service depends on {@code base} with {@code restart_on_dependency_update}. */
    boolean restartsWithBase(KillLoopStack.Service s);

    /** What the uptime probe asks of the service's public port. */
    UptimeProbe.Target probe(KillLoopStack.Service s);

    /** Replaces the service's container with one started by hand on its current build (no agent labels). */
    void runByHand(KillLoopStack.Service s);

    @Override
    void close();
}
