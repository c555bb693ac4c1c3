package io.redeploy.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What a deploy in progress has done or is about to do, written to the journal before each step that changes what
 * runs: after a crash, recovery reads it and knows the containers by id, including an adopted old container that
 * carries none of the agent's labels.
 *
 * @param oldId          the container that served before, if any
 * @param adopted        the old container was not created by the agent (e.g. by docker compose)
 * @param oldWasRunning  the old container ran before the deploy: a rollback starts it again
 * @param newId          the container this deploy created, once the engine returned its id
 * @param to             the digest being deployed
 */
record JournalEntry(
        String service,
        Strategy strategy,
        Step step,
        Optional<String> oldId,
        boolean adopted,
        boolean oldWasRunning,
        Optional<String> from,
        String to,
        Optional<String> newId,
        Instant started) {

    enum Strategy {
        STOP_FIRST,
        START_FIRST,
        RESTART
    }

    /** The step about to run (written before it), or the last one that ran. */
    enum Step {
        /** Stop-first: the old container is being renamed aside. */
        SET_ASIDE,
        /** The new container is being created. */
        CREATE,
        /** Stop-first: the old container is being stopped. */
        STOP_OLD,
        /** The new container is being started. */
        START_NEW,
        /** The new container is being judged by its health gate. */
        GATE,
        /** Start-first: traffic is being moved to the new container. */
        SWITCH,
        /** The new container serves: the old one is being drained, stopped and removed, the new one renamed. */
        RETIRE_OLD,
        /** The new build failed: the old container is being put back. */
        ROLL_BACK,
        /** A dependent is being restarted (one engine call) and judged by its gate. */
        RESTART
    }

    JournalEntry at(Step next) {
        return new JournalEntry(service, strategy, next, oldId, adopted, oldWasRunning, from, to, newId, started);
    }

    JournalEntry created(String id) {
        return new JournalEntry(
                service, strategy, step, oldId, adopted, oldWasRunning, from, to, Optional.of(id), started);
    }

    /** Past the point where the new build took over (traffic or the name): finishing is the way forward. */
    boolean switched() {
        return step == Step.SWITCH || step == Step.RETIRE_OLD;
    }

    JsonNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("service", service);
        json.put("strategy", strategy.name());
        json.put("step", step.name());
        oldId.ifPresent(id -> json.put("oldId", id));
        json.put("adopted", adopted);
        json.put("oldWasRunning", oldWasRunning);
        from.ifPresent(d -> json.put("from", d));
        json.put("to", to);
        newId.ifPresent(id -> json.put("newId", id));
        json.put("started", started.toString());
        return json;
    }

    static JournalEntry fromJson(JsonNode json) {
        return new JournalEntry(
                json.path("service").asText(),
                Strategy.valueOf(json.path("strategy").asText()),
                Step.valueOf(json.path("step").asText()),
                text(json, "oldId"),
                json.path("adopted").asBoolean(),
                json.path("oldWasRunning").asBoolean(),
                text(json, "from"),
                json.path("to").asText(),
                text(json, "newId"),
                Instant.parse(json.path("started").asText()));
    }

    private static Optional<String> text(JsonNode json, String field) {
        return json.hasNonNull(field) ? Optional.of(json.get(field).asText()) : Optional.empty();
    }
}
