package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kill loop ({@link KillLoop}) as a test: by default 6 kills at random moments, one or two of each scenario
 * (stop-first, rollback, adoption, start-first behind the agent's port, a dependency with a dependent restart), in
 * about 3 minutes. {@code scripts/kill-loop.sh} runs it longer: {@code -Dkillloop.kills=30}, {@code
 * -Dkillloop.seed=...} (printed at the start, to repeat a run), {@code -Dkillloop.broken=0.3}.
 */
class KillLoopIT {

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @Test
    void killedAtRandomMomentsOfEveryKindOfDeploy_eachRestartEndsWholeOnTheNewestHealthyBuildWithNoHiddenOutage() {
        // Kept after the run (agent logs, config, state): a violation is read from the agents' own logs.
        Path dir = LocalStack.repoRoot()
                .resolve("agent/target/kill-loop/" + System.currentTimeMillis())
                .toAbsolutePath();
        try (KillLoop loop = new KillLoop(KillLoop.Options.fromSystemProperties(6), dir)) {
            KillLoop.Report report = loop.run();
            assertThat(report.violations()).as("kill loop violations").isEmpty();
        }
    }
}
