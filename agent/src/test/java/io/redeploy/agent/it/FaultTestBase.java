package io.redeploy.agent.it;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** What every fault-injection class shares: the real stack, its test images, one service under test at a time. */
abstract class FaultTestBase {
    /**
     * Build ids unique to this run: the legacy builder's cache gives identical builds the same image id across
     * test classes, and a class that removes "its" image by id (rmi -f) would untag ours too.
     */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    static final String B1 = "1-" + RUN;
    static final String B2 = "2-" + RUN;
    static final String B3 = "3-" + RUN;

    static TestImages images;

    @TempDir
    Path stateDir;

    FaultStack stack;

    @BeforeAll
    static void requireStack() {
        LocalStack.requireRunning();
        images = new TestImages();
    }

    @AfterAll
    static void dropImages() {
        images.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (stack != null) stack.close();
    }
}
