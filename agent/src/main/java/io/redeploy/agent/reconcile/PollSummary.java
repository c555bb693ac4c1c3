package io.redeploy.agent.reconcile;

import io.redeploy.agent.log.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line an hour about the polls ({@code event=poll.summary polls= changes= errors=}), so the journal shows
 * the agent alive without a line per poll (polls themselves log at DEBUG).
 */
final class PollSummary {
    private static final Logger log = LoggerFactory.getLogger(PollSummary.class);
    static final Duration EVERY = Duration.ofHours(1);

    private final Clock clock;
    private Instant since;
    private int polls;
    private long changes;
    private long errors;

    PollSummary(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    synchronized void add(long changed, long failures) {
        polls++;
        changes += changed;
        errors += failures;
        Instant now = clock.instant();
        if (Duration.between(since, now).compareTo(EVERY) >= 0) {
            Event.info(log, "poll.summary")
                    .with("polls", polls)
                    .with("changes", changes)
                    .with("errors", errors)
                    .with("period_s", Duration.between(since, now).toSeconds())
                    .log();
            since = now;
            polls = 0;
            changes = 0;
            errors = 0;
        }
    }
}
