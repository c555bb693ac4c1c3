package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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

    private static final Pattern SWARM_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private final Problems problems;

    FollowedContainerBinder(Problems problems) {
        this.problems = problems;
    }

    void bind(MappingReader reader, ServiceDraft draft) {
        follow(reader, draft, "container", "a container name, e.g. survey-web");
        refuseSpecKeys(
                reader,
                SPEC_KEYS,
                "a followed container: its image and settings come from the container (e.g. docker-compose.yml); "
                        + "remove it, or use 'image' instead of 'container' for a service the agent creates itself");
    }

    /**
     * {@code adopt: container}: the running container (named by {@code container_name}, or the service's name) wins
     * over a description, so it is followed as if given by {@code container:}, and the description must go.
     */
    void adopt(MappingReader reader, ServiceDraft draft) {
        follow(reader, draft, "container_name", "a container name");
        refuseSpecKeys(
                reader,
                SPEC_KEYS.stream().filter(k -> !k.equals("container_name")).toList(),
                "a service with adopt: container: the running container's own image and settings are kept; remove "
                        + "it, or say adopt: spec to have agent.yml's description replace the container");
    }

    /**
     * {@code swarm_service: <name>}: a Swarm service (e.g. from {@code docker stack deploy}) whose image the agent
     * updates by digest; Swarm schedules, updates and rolls back its tasks by the service's own UpdateConfig.
     */
    void swarm(MappingReader reader, ServiceDraft draft) {
        draft.source = ServiceConfig.Source.SWARM;
        reader.string("swarm_service", "a Swarm service name, e.g. survey_web").ifPresent(name -> {
            if (SWARM_NAME.matcher(name).matches()) {
                draft.swarmService = Optional.of(name);
            } else {
                problems.add(
                        reader.lineOf("swarm_service"),
                        reader.pathOf("swarm_service"),
                        "'" + name + "' is not a Swarm service name; expected letters, digits, '_', '.', '-'"
                                + " (up to 63), e.g. survey_web");
            }
        });
        List<String> refused = new ArrayList<>(SPEC_KEYS);
        refused.addAll(List.of("container", "adopt", "proxy", "strategy", "revive_stopped"));
        refuseSpecKeys(
                reader,
                refused,
                "a Swarm service: its image and settings come from the service's spec, and Swarm's own UpdateConfig"
                        + " decides how tasks are replaced (docker service update --update-order start-first)");
    }

    /** The service follows the container named under {@code key}. */
    private static void follow(MappingReader reader, ServiceDraft draft, String key, String expected) {
        draft.source = ServiceConfig.Source.CONTAINER;
        reader.parsed(key, expected, ContainerNameRule::parse).ifPresent(name -> {
            draft.containerName = name;
            draft.containerNameLine = reader.lineOf(key);
        });
    }

    private void refuseSpecKeys(MappingReader reader, List<String> keys, String why) {
        for (String key : keys) {
            if (reader.has(key)) {
                problems.add(reader.lineOf(key), reader.pathOf(key), "'" + key + "' cannot be set for " + why);
            }
        }
    }
}
