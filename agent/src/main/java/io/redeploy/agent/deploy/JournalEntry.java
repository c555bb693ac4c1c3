package io.redeploy.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.docker.ContainerInfo;
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
 * @param tag            the local tag the deploy pointed at the new build ({@code repo:tag}), when it got that far
 * @param tagBefore      the image that tag named before, pointed back to when the deploy is undone
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
        Instant started,
        Optional<String> tag,
        Optional<String> tagBefore) {

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
        RESTART,
        /** A dependent is due for a restart (its dependency was recreated in this poll); not begun yet. */
        RESTART_DUE
    }

    /** An entry for a deploy that has not touched a container yet (its first step is recorded by {@link #at}). */
    static JournalEntry begin(
            String service,
            Strategy strategy,
            Optional<ContainerInfo> old,
            Optional<String> from,
            String to,
            Instant started,
            Optional<LocalTag> tag) {
        return new JournalEntry(
                service,
                strategy,
                Step.CREATE,
                old.map(ContainerInfo::id),
                old.filter(c -> !c.managed()).isPresent(),
                old.map(c -> c.running() || "restarting".equals(c.status())).orElse(false),
                from,
                to,
                Optional.empty(),
                started,
                tag.map(LocalTag::reference),
                tag.flatMap(LocalTag::before));
    }

    JournalEntry at(Step next) {
        return new JournalEntry(
                service, strategy, next, oldId, adopted, oldWasRunning, from, to, newId, started, tag, tagBefore);
    }

    JournalEntry created(String id) {
        return new JournalEntry(
                service,
                strategy,
                step,
                oldId,
                adopted,
                oldWasRunning,
                from,
                to,
                Optional.of(id),
                started,
                tag,
                tagBefore);
    }

    /** The local tag as the deploy left it, to point back on an undo; empty when the deploy did not tag. */
    Optional<LocalTag> localTag() {
        return tag.map(reference -> {
            int colon = reference.lastIndexOf(':');
            return new LocalTag(reference.substring(0, colon), reference.substring(colon + 1), tagBefore);
        });
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
        tag.ifPresent(t -> json.put("tag", t));
        tagBefore.ifPresent(t -> json.put("tagBefore", t));
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
                Instant.parse(json.path("started").asText()),
                text(json, "tag"),
                text(json, "tagBefore"));
    }

    private static Optional<String> text(JsonNode json, String field) {
        return json.hasNonNull(field) ? Optional.of(json.get(field).asText()) : Optional.empty();
    }
}
