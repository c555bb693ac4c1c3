package io.redeploy.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** The agent's JSON answers as an operator reads them: tables for status and history, one line for an action. */
final class Views {
    private Views() {}

    static void status(JsonNode body, PrintStream out) {
        Table table = new Table("SERVICE", "RUNNING", "REGISTRY", "LAST CHECK", "LAST DEPLOY", "HOLD", "APPROVAL");
        for (JsonNode s : body.path("services")) {
            JsonNode check = s.path("lastCheck");
            JsonNode deploy = s.path("lastDeploy");
            table.row(
                    s.path("service").asText(),
                    digest(s.path("runningDigest")),
                    digest(s.path("registryDigest")),
                    check.isObject()
                            ? check.path("result").asText() + " at "
                                    + check.path("at").asText()
                            : "-",
                    deploy.isObject()
                            ? deploy.path("outcome").asText() + " " + digest(deploy.path("to")) + " at "
                                    + deploy.path("at").asText()
                            : "-",
                    hold(s.path("hold")),
                    approval(s.path("approval")));
        }
        table.print(out);
        out.println(
                "last poll: " + text(body.path("lastPollFinished")) + ", next poll: " + text(body.path("nextPoll")));
    }

    static void history(JsonNode body, PrintStream out) {
        Table table = new Table("SEQ", "AT", "SERVICE", "KIND", "OUTCOME", "FROM", "TO", "BY", "REASON");
        for (JsonNode r : body.path("records")) {
            table.row(
                    r.path("seq").asText(),
                    r.path("at").asText(),
                    r.path("service").asText(),
                    r.path("kind").asText(),
                    r.path("outcome").asText(),
                    digest(r.path("from")),
                    digest(r.path("to")),
                    r.path("by").asText(),
                    text(r.path("reason")));
        }
        if (table.isEmpty()) {
            out.println("no records");
        } else {
            table.print(out);
        }
        if (!body.path("next").isNull() && !body.path("next").isMissingNode()) {
            out.println("older records: --cursor " + body.path("next").asText());
        }
    }

    static void action(String action, JsonNode body, PrintStream out) {
        String service = body.path("service").asText("all services");
        switch (action) {
            case "trigger" ->
                out.println("poll queued for " + (body.path("service").isNull() ? "all services" : service)
                        + (body.has("clearedFailedDigests")
                                ? "; failed digests forgotten: "
                                        + body.path("clearedFailedDigests").asInt()
                                : ""));
            case "rollback" ->
                out.println("rollback of " + service + " from " + digest(body.path("from")) + " to "
                        + digest(body.path("to")) + " queued; " + service + " is " + hold(body.path("hold")));
            case "hold" -> out.println(service + " is " + hold(body.path("hold")));
            case "approve" ->
                out.println(digest(body.path("digest")) + " of " + service + " approved by "
                        + body.path("by").asText() + "; a poll deploys it");
            case "release" ->
                out.println(service + " released (it was " + hold(body.path("released")) + "); a poll is queued");
            default -> out.println(body.toString());
        }
    }

    /** {@code held by alice since 2026-12-02T10:00:00Z: reason}, or {@code -}. */
    static String hold(JsonNode hold) {
        if (!hold.isObject()) {
            return "-";
        }
        String reason = text(hold.path("reason"));
        return "held by " + hold.path("by").asText() + " since "
                + hold.path("since").asText() + ("-".equals(reason) ? "" : ": " + reason);
    }

    /** {@code pending sha256:1a2b3c4d5e6f since ...}, {@code approved ... by alice}, or {@code -}. */
    static String approval(JsonNode approval) {
        if (!approval.isObject()) {
            return "-";
        }
        boolean approved = "approved".equals(approval.path("status").asText());
        return approval.path("status").asText() + " " + digest(approval.path("digest"))
                + (approved
                        ? " by " + approval.path("approvedBy").asText()
                        : " since " + approval.path("since").asText());
    }

    /** {@code sha256:1a2b3c4d5e6f}, as the log shows digests. */
    static String digest(JsonNode digest) {
        String value = text(digest);
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, Math.min(value.length(), colon + 13));
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() || node.asText().isEmpty() ? "-" : node.asText();
    }
}
