package io.redeploy.agent;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.docker.DockerJavaGateway;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Loading docker-java and its HTTP client, and the first round trip to the engine, are a good part of the start-up;
 * on their own thread they overlap with building the registry client, the state and Quartz (bench/: start-up to first
 * poll). The ping only warms the connection: whether Docker answers is the first poll's business.
 */
final class DockerConnection {
    private final FutureTask<DockerJavaGateway> connected;

    private DockerConnection(FutureTask<DockerJavaGateway> connected) {
        this.connected = connected;
    }

    static DockerConnection inBackground(DockerConfig config) {
        String host = DockerConfig.hostOf(config);
        FutureTask<DockerJavaGateway> connected = new FutureTask<>(() -> DockerJavaGateway.connect(host));
        Thread thread = new Thread(
                () -> {
                    connected.run();
                    try {
                        connected.get().ping();
                    } catch (Exception | LinkageError e) {
                        // Not an error here; see above.
                    }
                },
                "docker-connect");
        thread.setDaemon(true);
        thread.start();
        return new DockerConnection(connected);
    }

    DockerJavaGateway await() throws Exception {
        try {
            return connected.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
