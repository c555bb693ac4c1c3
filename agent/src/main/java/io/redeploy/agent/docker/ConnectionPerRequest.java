package io.redeploy.agent.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;

/**
 * Sends every Engine API request on a connection of its own ({@code Connection: close}).
 *
 * <p>Why: a dockerd that is told to stop removes its socket at once, but goes on serving the connections already open
 * until it exits, seconds later, after it has stopped every container. Over pooled keep-alive connections the agent
 * would meanwhile see its new container "exit during the health check", roll back, and start the old container on a
 * daemon that is going away and that does not start it again when it comes back: the build is blamed and the service
 * stays down. On a fresh connection per call, the first call after the daemon stopped listening fails as
 * {@link DockerUnreachableException}, so the agent knows the engine went away. A unix socket connection costs
 * microseconds. Requests that upgrade the connection (attach with stdin) are left as they are.
 */
final class ConnectionPerRequest implements DockerHttpClient {
    private final DockerHttpClient delegate;

    ConnectionPerRequest(DockerHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public Response execute(Request request) {
        boolean managesItsConnection = request.headers().keySet().stream()
                .anyMatch(h -> h.equalsIgnoreCase("Connection") || h.equalsIgnoreCase("Upgrade"));
        if (managesItsConnection) {
            return delegate.execute(request);
        }
        return delegate.execute(
                Request.builder().from(request).putHeader("Connection", "close").build());
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
