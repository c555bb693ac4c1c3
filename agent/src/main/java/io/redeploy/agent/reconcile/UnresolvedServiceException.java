package io.redeploy.agent.reconcile;

/**
 * A watched service that cannot be resolved: the container or Swarm service it follows does not exist, or runs an
 * image no registry tag names (an image id, a local build). The message is one line for {@code /status} and
 * {@code --check}; nothing was touched.
 */
public class UnresolvedServiceException extends RuntimeException {
    public UnresolvedServiceException(String message) {
        super(message);
    }
}
