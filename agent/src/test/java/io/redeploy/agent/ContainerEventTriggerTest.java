package io.redeploy.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerEvent;
import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Container events outside a deploy become one poll of their service; the stream is reopened when it ends. */
class ContainerEventTriggerTest {
    private static final Duration COALESCE = Duration.ofMillis(50);

    private final List<String> polls = new CopyOnWriteArrayList<>();
    private final Set<String> deploying = ConcurrentHashMap.newKeySet();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile Consumer<ContainerEvent> listener;
    private volatile Runnable ended;
    private volatile Collection<String> subscribedNames;
    private ContainerEventTrigger trigger;

    private ContainerEventTrigger start(ServiceConfig... services) {
        trigger = new ContainerEventTrigger(
                List.of(services),
                (names, l, e) -> {
                    subscriptions.incrementAndGet();
                    subscribedNames = names;
                    listener = l;
                    ended = e;
                    return () -> {};
                },
                deploying::contains,
                polls::add,
                COALESCE);
        trigger.start();
        return trigger;
    }

    @AfterEach
    void close() {
        if (trigger != null) trigger.close();
    }

    private static ServiceConfig service(String name, String container) {
        return ServiceConfig.builder(name, ImageRef.parse("127.0.0.1:5000/acme/" + name, "main"))
                .containerName(container)
                .build();
    }

    private void event(String container, String action) {
        listener.accept(new ContainerEvent("id-" + container, container, action, Map.of()));
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plusSeconds(5);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("not within 5 s: " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aRestartOutsideTheAgentIsOnePollOfItsService() throws Exception {
        start(service("web", "survey-web"), service("db", "survey-db"));
        assertThat(subscribedNames).containsExactlyInAnyOrder("survey-web", "survey-db");

        // docker compose restart web: kill, die, stop, start within a moment
        event("survey-web", "kill");
        event("survey-web", "die");
        event("survey-web", "stop");
        event("survey-web", "start");

        await("one poll of web", () -> polls.size() == 1);
        Thread.sleep(COALESCE.toMillis() * 4);
        assertThat(polls).containsExactly("web");
    }

    @Test
    void eventsDuringTheAgentsOwnDeployOfTheServiceAreIgnored() throws Exception {
        start(service("web", "survey-web"), service("db", "survey-db"));
        deploying.add("web");

        event("survey-web", "die");
        event("survey-web", "start");
        event("survey-db", "die");

        await("the poll of db", () -> polls.contains("db"));
        Thread.sleep(COALESCE.toMillis() * 4);
        assertThat(polls).containsExactly("db");
    }

    @Test
    void otherActionsAndOtherContainersAreNoPoll() throws Exception {
        start(service("web", "survey-web"));

        event("survey-web", "exec_start: pg_dump");
        event("survey-web", "health_status: healthy");
        event("survey-web.redeploy-old", "die");
        event("someone-else", "start");

        Thread.sleep(COALESCE.toMillis() * 4);
        assertThat(polls).isEmpty();
    }

    @Test
    void aStreamTheEngineEndedIsOpenedAgain() {
        start(service("web", "survey-web"));
        assertThat(subscriptions).hasValue(1);

        ended.run(); // dockerd restarted

        await("a second subscription", () -> subscriptions.get() == 2);
        event("survey-web", "start");
        await("the poll after the new stream's event", () -> polls.equals(List.of("web")));
    }

    @Test
    void swarmServicesAreNotFollowedHere() {
        ServiceConfig swarm = ServiceConfig.following("api", ServiceConfig.Source.SWARM)
                .swarmService(java.util.Optional.of("api"))
                .build();
        start(service("web", "survey-web"), swarm);

        assertThat(subscribedNames).containsExactly("survey-web");
    }
}
