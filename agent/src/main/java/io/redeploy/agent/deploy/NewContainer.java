package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import java.util.List;
import java.util.Map;

/**
 * How the new container of a deploy is made: from the service's settings in agent.yml ({@link FromSpec}), or as a copy
 * of the container it replaces with only the image changed ({@link CopyOf}: a container started by docker compose
 * stays compose's, with every setting and label it had).
 */
sealed interface NewContainer {

    /**
     * Creates it (not started) under {@code name}; without its network aliases when {@code withAliases} is false (a
     * start-first switch gives them once it is healthy). Returns its id.
     */
    String create(DockerGateway docker, String name, boolean withAliases);

    /** The settings in agent.yml. */
    record FromSpec(ContainerSpec spec) implements NewContainer {
        @Override
        public String create(DockerGateway docker, String name, boolean withAliases) {
            return docker.create(new ContainerSpec(
                    name,
                    spec.image(),
                    spec.env(),
                    spec.ports(),
                    spec.volumes(),
                    spec.network(),
                    withAliases ? spec.networkAliases() : List.of(),
                    spec.labels(),
                    spec.restartPolicy(),
                    spec.command(),
                    spec.stopTimeout()));
        }
    }

    /**
     * The container {@code sourceId}'s own configuration, with {@code image} (the watched {@code repo:tag}, tagged
     * locally to the new build) and {@code labels} added (the agent's, and compose v2's record of the image id).
     */
    record CopyOf(String sourceId, String image, Map<String, String> labels) implements NewContainer {
        public CopyOf {
            labels = Map.copyOf(labels);
        }

        @Override
        public String create(DockerGateway docker, String name, boolean withAliases) {
            return docker.copy(sourceId, name, image, labels, withAliases);
        }
    }
}
