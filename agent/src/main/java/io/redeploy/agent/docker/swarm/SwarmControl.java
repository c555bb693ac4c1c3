package io.redeploy.agent.docker.swarm;

import io.redeploy.agent.image.Digest;
import java.util.Optional;

/** What a Swarm deploy target asks of a manager: its role, and an update of a service's image by digest. */
public interface SwarmControl extends SwarmView {

    /** The engine's swarm role if it is a manager; otherwise a {@link NotASwarmManagerException} saying what to do. */
    SwarmInfo requireManager();

    /** The service's own repository and tag, pinned to {@code digest}; see {@link SwarmApi#updateImage}. */
    SwarmUpdateSubmitted updateDigest(
            SwarmService current, Digest digest, Optional<SwarmRegistryAuth> auth, SwarmUpdateConfig overrides);
}
