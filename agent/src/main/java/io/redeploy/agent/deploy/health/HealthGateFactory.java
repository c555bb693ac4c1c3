package io.redeploy.agent.deploy.health;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ImageInfo;

/** Chooses the health gate for a service's new container, knowing whether its image has a HEALTHCHECK. */
public interface HealthGateFactory {
    HealthGate gateFor(ServiceConfig service, ImageInfo image);
}
