package io.redeploy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HookConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.deploy.DeployHooks.Verdict;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ExecTimeoutException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Attack on the database through a hook that hangs (a {@code pg_dump} against a locked table): every poll used to
 * start one more, each holding its locks. From the second timeout in a row the hook waits, and the digest with it.
 */
class HookTimeoutBackoffTest {
    private static final Digest TO = Digest.parse("sha256:" + "2".repeat(64));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final AtomicInteger execs = new AtomicInteger();
    private final DockerGateway hangingExec = (DockerGateway) java.lang.reflect.Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {DockerGateway.class}, (p, m, a) -> {
                if (!m.getName().equals("exec")) throw new AssertionError("unexpected call " + m.getName());
                execs.incrementAndGet();
                throw new ExecTimeoutException("could not exec in container c1: not finished within 1s; killed");
            });
    private final PolicyHooks hooks = new PolicyHooks(hangingExec, clock);

    private final ServiceConfig db = ServiceConfig.builder("db", ImageRef.parse("127.0.0.1:5000/acme/db", "main"))
            .mode(ServiceConfig.UpdateMode.AUTO)
            .policy(UpdatePolicy.defaults()
                    .withHooks(
                            Optional.of(HookConfig.exec(List.of("pg_dump", "app"), Duration.ofSeconds(1))),
                            Optional.empty()))
            .build();
    private final ContainerInfo running = new ContainerInfo(
            "c1",
            "db",
            "acme/db",
            "sha256:old",
            Map.of(),
            "running",
            0,
            0,
            Optional.empty(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            "bridge");
    private final ImageInfo pulled = new ImageInfo("sha256:new", List.of(), List.of(), false, Map.of(), Map.of());

    private Verdict poll() {
        return hooks.beforeSwap(db, TO, Optional.of(running), pulled);
    }

    @Test
    void repeatedTimeoutsStopStartingMoreHooksUntilTheBackoffEnds() {
        assertThat(poll().kind()).isEqualTo(Verdict.Kind.ABORT);
        assertThat(poll().kind()).isEqualTo(Verdict.Kind.ABORT);
        assertThat(execs).hasValue(2);

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(5));
            Verdict waiting = poll();
            assertThat(waiting.kind()).isEqualTo(Verdict.Kind.SKIP);
            assertThat(waiting.reason()).startsWith("pre-update hook timed out 2 times in a row; backing off until");
        }
        assertThat(execs).as("no hook started while backing off").hasValue(2);

        clock.advance(HookBackoff.FIRST_WAIT);
        assertThat(poll().kind()).isEqualTo(Verdict.Kind.ABORT);
        assertThat(execs).hasValue(3);
        clock.advance(HookBackoff.FIRST_WAIT); // the third timeout in a row doubles the wait
        assertThat(poll().kind()).isEqualTo(Verdict.Kind.SKIP);
        assertThat(execs).hasValue(3);
    }
}
