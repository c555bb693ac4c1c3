package io.redeploy.agent.deploy.health;

/** A new container did not prove healthy; the message says why in one sentence (it becomes the deploy reason). */
public class HealthCheckFailedException extends Exception {
    public HealthCheckFailedException(String message) {
        super(message);
    }
}
