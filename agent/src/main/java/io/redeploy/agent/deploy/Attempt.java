package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import java.time.Instant;
import java.util.Optional;

/**
 * One deploy of one service, from the digest that ran to the one being deployed: what every step and every outcome
 * of a swap is about.
 *
 * @param from the digest the old container ran, when known
 */
record Attempt(ServiceConfig service, Optional<Digest> from, Digest to, Instant started) {

    String name() {
        return service.name();
    }

    String containerName() {
        return service.containerName();
    }
}
