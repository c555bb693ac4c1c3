package io.redeploy.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.util.Collection;
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
                .exec(new Listener(listener, () -> {}));
    }

    /**
     * Events of the containers named {@code names} (whoever created them: compose, the agent, a restart policy);
     * {@code ended} runs once when the stream ends or fails (the engine restarted or went away).
     */
    public Closeable containerEventsNamed(Collection<String> names, Consumer<ContainerEvent> listener, Runnable ended) {
        return client.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withContainerFilter(names.toArray(String[]::new))
                .exec(new Listener(listener, ended));
    }

    private static final class Listener extends ResultCallback.Adapter<Event> {
        private final Consumer<ContainerEvent> listener;
        private final Runnable ended;

        Listener(Consumer<ContainerEvent> listener, Runnable ended) {
            this.listener = listener;
            this.ended = ended;
        }

        @Override
        public void onNext(Event event) {
            Map<String, String> attributes =
                    event.getActor() == null || event.getActor().getAttributes() == null
                            ? Map.of()
                            : event.getActor().getAttributes();
            Map<String, String> labels = new LinkedHashMap<>(attributes);
            labels.remove("name");
            labels.remove("image");
            listener.accept(
                    new ContainerEvent(event.getId(), attributes.getOrDefault("name", ""), event.getAction(), labels));
        }

        @Override
        public void onError(Throwable throwable) {
            super.onError(throwable);
            ended.run();
        }

        @Override
        public void onComplete() {
            super.onComplete();
            ended.run();
        }
    }
}
