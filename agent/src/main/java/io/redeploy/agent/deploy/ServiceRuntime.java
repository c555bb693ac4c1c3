package io.redeploy.agent.deploy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;

/** What a poll needs from the Docker side; {@link Deployer} is the real one, tests use a fake. */
public interface ServiceRuntime {
    /** Throws when the Docker engine does not answer; a poll then changes nothing. */
    void ping();

    RunningService inspect(ServiceConfig service);

    DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry);

    /** Restarts the service's container (a dependency was recreated); false when there was nothing to restart. */
    boolean restart(ServiceConfig service);

    /**
     * Heals the services whose last deploy the Docker engine cut short, once it answers again (see
     * {@link Deployer#recoverInterrupted()}); empty when there is none, or while the engine still does not answer.
     */
    default java.util.List<Recovery> recoverInterrupted() {
        return java.util.List.of();
    }
}
