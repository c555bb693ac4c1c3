package io.redeploy.agent.state;

import io.redeploy.agent.log.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start with an audit history: the deploys {@code state.json} remembers (its last 50 per service) are
 * copied into it, oldest first, so that {@code GET /v1/history} does not begin empty after an upgrade. Nothing is
 * copied when the audit history existed already.
 */
public final class HistoryImport {
    private static final Logger log = LoggerFactory.getLogger(HistoryImport.class);

    private HistoryImport() {}

    /** Returns how many records were copied. */
    public static int fromStateFile(StateStore state, AuditLog audit) {
        if (!audit.startedEmpty()) {
            return 0;
        }
        List<AuditRecord> records = new ArrayList<>();
        state.snapshot()
                .forEach((name, service) -> service.history()
                        .forEach(d -> records.add(AuditRecord.of(
                                d.at(),
                                name,
                                AuditRecord.DEPLOY,
                                d.outcome(),
                                d.from(),
                                d.to(),
                                AuditRecord.AGENT,
                                d.reason().isEmpty()
                                        ? "copied from state.json"
                                        : d.reason() + " (copied from state.json)"))));
        if (records.isEmpty()) {
            return 0;
        }
        records.sort(Comparator.comparing(AuditRecord::at));
        records.forEach(audit::append);
        Event.info(log, "history.imported")
                .with("records", records.size())
                .with("from", state.file())
                .log();
        return records.size();
    }
}
