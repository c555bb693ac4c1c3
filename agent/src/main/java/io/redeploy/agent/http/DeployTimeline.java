package io.redeploy.agent.http;

import io.redeploy.agent.state.AuditRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A service's recent deploys from the audit history as inline SVG: one circle per deploy, rollback or recovery on a
 * time axis (oldest left), coloured by outcome, with the details in its tooltip ({@code <title>}).
 */
final class DeployTimeline {
    static final int WIDTH = 560;
    static final int HEIGHT = 36;
    private static final int MARGIN = 12;
    private static final Set<String> KINDS = Set.of(AuditRecord.DEPLOY, AuditRecord.ROLLBACK, AuditRecord.RECOVERY);

    private DeployTimeline() {}

    static String svg(List<AuditRecord> history) {
        List<AuditRecord> deploys = history.stream()
                .filter(r -> KINDS.contains(r.kind()))
                .sorted(Comparator.comparing(AuditRecord::at))
                .toList();
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"timeline\" role=\"img\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" aria-label=\"")
                .append(deploys.size())
                .append(" recent deploys\">");
        out.append("<line x1=\"")
                .append(MARGIN)
                .append("\" y1=\"18\" x2=\"")
                .append(WIDTH - MARGIN)
                .append("\" y2=\"18\" stroke=\"#bbb\"/>");
        if (deploys.isEmpty()) {
            out.append("<text x=\"")
                    .append(MARGIN)
                    .append("\" y=\"14\" font-size=\"11\" fill=\"#777\">no deploys recorded</text>");
        }
        Instant first = deploys.isEmpty() ? Instant.EPOCH : deploys.get(0).at();
        Instant last = deploys.isEmpty()
                ? Instant.EPOCH
                : deploys.get(deploys.size() - 1).at();
        double span = Math.max(1, last.toEpochMilli() - first.toEpochMilli());
        for (int i = 0; i < deploys.size(); i++) {
            AuditRecord r = deploys.get(i);
            double x = deploys.size() == 1
                    ? WIDTH / 2.0
                    : MARGIN + (WIDTH - 2.0 * MARGIN) * (r.at().toEpochMilli() - first.toEpochMilli()) / span;
            out.append("<circle class=\"mark ")
                    .append(Html.text(r.outcome()))
                    .append("\" cx=\"")
                    .append(String.format(Locale.ROOT, "%.1f", x))
                    .append("\" cy=\"18\" r=\"6\" fill=\"")
                    .append(colour(r.outcome()))
                    .append("\"><title>")
                    .append(Html.instant(r.at()))
                    .append(Html.text(" " + r.kind() + " " + r.outcome() + " " + r.to()
                            + (r.reason().isEmpty() ? "" : ": " + r.reason())))
                    .append("</title></circle>");
        }
        return out.append("</svg>").toString();
    }

    static String colour(String outcome) {
        return switch (outcome) {
            case "deployed" -> "#2e7d32";
            case "rolled_back" -> "#ef6c00";
            case "failed" -> "#c62828";
            default -> "#757575";
        };
    }
}
