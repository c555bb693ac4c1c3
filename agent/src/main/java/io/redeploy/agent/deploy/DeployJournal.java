package io.redeploy.agent.deploy;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.Journal;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy journal: one {@link JournalEntry} per service with a deploy, restart or recovery under way, written
 * durably before each step that changes what runs and removed when the work is done. A journal that cannot be read is
 * ignored (recovery then judges the containers by their names and labels, as without a journal); one that cannot be
 * written stops the deploy before the step, since a step nobody could recover must not start.
 */
final class DeployJournal {
    private static final Logger log = LoggerFactory.getLogger(DeployJournal.class);

    /** No journal: tests of the swap logic alone, and targets built without a state directory. */
    static final DeployJournal NONE = new DeployJournal(null);

    private final Journal journal;

    DeployJournal(Journal journal) {
        this.journal = journal;
    }

    /** Records the step about to run; throws {@link io.redeploy.agent.state.StateException} when it cannot. */
    JournalEntry record(JournalEntry entry) {
        if (journal != null) {
            journal.write(entry.service(), entry.toJson());
        }
        return entry;
    }

    Optional<JournalEntry> open(String service) {
        if (journal == null) {
            return Optional.empty();
        }
        try {
            return journal.read(service).map(JournalEntry::fromJson);
        } catch (RuntimeException e) {
            Event.warn(log, "journal.unreadable")
                    .with("service", service)
                    .reason(e.toString())
                    .log();
            return Optional.empty();
        }
    }

    /** The work of the service's entry is done. */
    void close(String service) {
        if (journal != null) {
            journal.remove(service);
        }
    }
}
