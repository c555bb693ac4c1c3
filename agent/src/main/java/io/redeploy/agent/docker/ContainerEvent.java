package io.redeploy.agent.docker;

import java.util.Map;

/** One container event from the engine: {@code action} is Docker's (start, die, health_status: healthy, ...). */
public record ContainerEvent(String containerId, String name, String action, Map<String, String> labels) {
    public ContainerEvent {
        labels = Map.copyOf(labels);
    }
}
