package io.redeploy.agent.deploy.health;

/**
 * How a freshly started container proves it works before the old one is removed: a small strategy object
 * with a deadline, in the style of Testcontainers' WaitStrategy. One instance serves one wait.
 */
public interface HealthGate {

    /**
     * Returns once the container is ready. Throws when it fails, exits, or the deadline passes; a container
     * that exits or is restarted by its restart policy fails at once, without waiting for the deadline.
     */
    void await(String containerId) throws HealthCheckFailedException, InterruptedException;

    /** For log lines: {@code docker-healthcheck}, {@code http:8080/health}, ... */
    String describe();
}
