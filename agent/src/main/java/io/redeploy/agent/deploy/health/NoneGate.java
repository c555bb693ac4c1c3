package io.redeploy.agent.deploy.health;

/** {@code health.type: none}: started is enough. */
public final class NoneGate implements HealthGate {
    @Override
    public void await(String containerId) {
        // Nothing to wait for, by configuration.
    }

    @Override
    public String describe() {
        return "none";
    }
}
