package io.redeploy.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The engine's container events, filtered by a label, in the agent's own {@link ContainerEvent}. */
final class DockerEvents {
    private final DockerClient client;

    DockerEvents(DockerClient client) {
        this.client = client;
    }

    public Closeable containerEvents(String labelKey, String labelValue, Consumer<ContainerEvent> listener) {
        return client.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withLabelFilter(Map.of(labelKey, labelValue))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        Map<String, String> attributes =
                                event.getActor() == null || event.getActor().getAttributes() == null
                                        ? Map.of()
                                        : event.getActor().getAttributes();
                        Map<String, String> labels = new LinkedHashMap<>(attributes);
                        labels.remove("name");
                        labels.remove("image");
                        listener.accept(new ContainerEvent(
                                event.getId(), attributes.getOrDefault("name", ""), event.getAction(), labels));
                    }
                });
    }
}
