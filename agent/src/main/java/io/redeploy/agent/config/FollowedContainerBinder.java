package io.redeploy.agent.config;

import java.util.List;

/**
 * Reads {@code container: <name>}: a service that follows a running container (started by docker compose or
 * {@code docker run}) as it is. Its image, tag and every container setting come from the container itself, so
 * agent.yml gives none of them: one description of the stack, docker-compose.yml.
 */
final class FollowedContainerBinder {
    /** The keys that describe a container the agent creates; a followed container has them already. */
    static final List<String> SPEC_KEYS = List.of(
            "image",
            "tag",
            "container_name",
            "env",
            "ports",
            "volumes",
            "network",
            "network_aliases",
            "command",
            "labels",
            "restart_policy");

    private final Problems problems;

    FollowedContainerBinder(Problems problems) {
        this.problems = problems;
    }

    void bind(MappingReader reader, ServiceDraft draft) {
        draft.source = ServiceConfig.Source.CONTAINER;
        reader.parsed("container", "a container name, e.g. survey-web", ContainerNameRule::parse)
                .ifPresent(name -> {
                    draft.containerName = name;
                    draft.containerNameLine = reader.lineOf("container");
                });
        for (String key : SPEC_KEYS) {
            if (reader.has(key)) {
                problems.add(
                        reader.lineOf(key),
                        reader.pathOf(key),
                        "'" + key + "' cannot be set for a followed container: its image and settings come from the "
                                + "container (e.g. docker-compose.yml); remove it, or use 'image' instead of "
                                + "'container' for a service the agent creates itself");
            }
        }
    }
}
