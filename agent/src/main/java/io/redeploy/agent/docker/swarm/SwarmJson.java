package io.redeploy.agent.docker.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reads the engine's Swarm JSON into the agent's records; tolerant of absent fields, as engines differ. */
final class SwarmJson {
    private SwarmJson() {}

    static SwarmService service(JsonNode n) {
        JsonNode spec = n.path("Spec");
        if (!spec.isObject()) {
            throw new IllegalArgumentException("service without a Spec");
        }
        JsonNode mode = spec.path("Mode");
        SwarmService.Mode kind;
        OptionalLong replicas = OptionalLong.empty();
        if (mode.has("Global")) {
            kind = SwarmService.Mode.GLOBAL;
        } else if (mode.has("ReplicatedJob") || mode.has("GlobalJob")) {
            kind = SwarmService.Mode.JOB;
        } else {
            kind = SwarmService.Mode.REPLICATED;
            // An absent Replicas means 1, as the engine's own default.
            replicas = OptionalLong.of(mode.path("Replicated").path("Replicas").asLong(1));
        }
        Optional<SwarmUpdateStatus> status = Optional.empty();
        JsonNode us = n.path("UpdateStatus");
        if (us.isObject() && us.hasNonNull("State")) {
            status = Optional.of(SwarmUpdateStatus.of(
                    us.path("State").asText(),
                    us.path("Message").asText(""),
                    instant(us.path("StartedAt")),
                    instant(us.path("CompletedAt"))));
        }
        return new SwarmService(
                n.path("ID").asText(),
                spec.path("Name").asText(),
                n.path("Version").path("Index").asLong(),
                kind,
                replicas,
                spec.path("TaskTemplate").path("ContainerSpec").path("Image").asText(""),
                updateConfig(spec.path("UpdateConfig")),
                status,
                (ObjectNode) spec);
    }

    static SwarmUpdateConfig updateConfig(JsonNode uc) {
        SwarmUpdateConfig c = SwarmUpdateConfig.none();
        if (!uc.isObject()) {
            return c;
        }
        Optional<SwarmUpdateConfig.Order> order =
                SwarmUpdateConfig.Order.of(uc.path("Order").asText(null));
        Optional<SwarmUpdateConfig.FailureAction> action =
                SwarmUpdateConfig.FailureAction.of(uc.path("FailureAction").asText(null));
        return new SwarmUpdateConfig(
                order,
                action,
                uc.has("Monitor")
                        ? Optional.of(Duration.ofNanos(uc.path("Monitor").asLong()))
                        : Optional.empty(),
                uc.has("Parallelism") ? OptionalInt.of(uc.path("Parallelism").asInt()) : OptionalInt.empty());
    }

    /** Writes the present fields of {@code overrides} into a spec's UpdateConfig, creating it if needed. */
    static void applyUpdateConfig(ObjectNode spec, SwarmUpdateConfig overrides) {
        if (overrides.isEmpty()) {
            return;
        }
        ObjectNode uc = spec.withObject("/UpdateConfig");
        overrides.order().ifPresent(o -> uc.put("Order", o.apiName()));
        overrides.failureAction().ifPresent(a -> uc.put("FailureAction", a.apiName()));
        overrides.monitor().ifPresent(m -> uc.put("Monitor", m.toNanos()));
        overrides.parallelism().ifPresent(p -> uc.put("Parallelism", p));
    }

    static SwarmTask task(JsonNode n) {
        JsonNode status = n.path("Status");
        return new SwarmTask(
                n.path("ID").asText(),
                n.path("ServiceID").asText(),
                n.hasNonNull("Slot") ? OptionalInt.of(n.path("Slot").asInt()) : OptionalInt.empty(),
                n.path("NodeID").asText(""),
                n.path("DesiredState").asText(""),
                status.path("State").asText(""),
                status.path("Message").asText(""),
                status.path("Err").asText(""),
                n.path("Spec").path("ContainerSpec").path("Image").asText(""),
                instant(status.path("Timestamp")));
    }

    static SwarmNode node(JsonNode n) {
        return new SwarmNode(
                n.path("ID").asText(),
                n.path("Description").path("Hostname").asText(""),
                n.path("Spec").path("Role").asText(""),
                n.path("Spec").path("Availability").asText(""),
                n.path("Status").path("State").asText(""),
                n.path("Status").path("Addr").asText(""),
                n.path("Description").path("Engine").path("EngineVersion").asText(""),
                n.path("ManagerStatus").path("Leader").asBoolean(false));
    }

    static SwarmInfo info(JsonNode n) {
        JsonNode s = n.path("Swarm");
        return new SwarmInfo(
                s.path("LocalNodeState").asText("inactive"),
                s.path("ControlAvailable").asBoolean(false),
                s.path("NodeID").asText(""),
                s.path("NodeAddr").asText(""),
                s.path("Nodes").asInt(0),
                s.path("Managers").asInt(0));
    }

    private static Optional<Instant> instant(JsonNode n) {
        if (!n.isTextual() || n.asText().isBlank() || n.asText().startsWith("0001-01-01")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
