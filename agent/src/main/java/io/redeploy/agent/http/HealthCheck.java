package io.redeploy.agent.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the agent is healthy: the scheduler runs, a poll finished within {@value #STALE_AFTER_INTERVALS}
 * intervals (or, before the first poll, the agent started less than that ago), and Docker answers.
 * A failing {@link AgentControl} method counts as a failed check rather than an error page.
 */
final class HealthCheck {
    static final int STALE_AFTER_INTERVALS = 3;

    private HealthCheck() {}

    record Result(boolean healthy, List<String> reasons, ObjectNode body) {}

    static Result evaluate(AgentControl control, Instant now, Instant startedAt) {
        List<String> reasons = new ArrayList<>();
        ObjectNode body = JsonNodeFactory.instance.objectNode();

        boolean schedulerRunning = ask(control::schedulerRunning, false);
        body.put("scheduler", schedulerRunning ? "running" : "stopped");
        if (!schedulerRunning) {
            reasons.add("scheduler not running");
        }

        Optional<Duration> interval = ask(() -> Optional.of(control.pollInterval()), Optional.empty());
        Optional<Instant> lastPoll = ask(control::lastPollFinished, Optional.empty());
        body.put("lastPollFinished", lastPoll.map(Instant::toString).orElse(null));
        body.put(
                "nextPoll",
                ask(control::nextPoll, Optional.<Instant>empty())
                        .map(Instant::toString)
                        .orElse(null));
        if (interval.isEmpty() || interval.get().isNegative() || interval.get().isZero()) {
            reasons.add("poll interval unknown");
        } else {
            Duration limit = interval.get().multipliedBy(STALE_AFTER_INTERVALS);
            body.put("staleAfterSeconds", limit.toSeconds());
            Instant since = lastPoll.orElse(startedAt);
            long ageSeconds = Math.max(0, Duration.between(since, now).toSeconds());
            if (lastPoll.isPresent()) {
                body.put("lastPollAgeSeconds", ageSeconds);
            }
            if (Duration.between(since, now).compareTo(limit) > 0) {
                reasons.add(
                        lastPoll.isPresent()
                                ? "last poll finished " + ageSeconds + "s ago, more than " + STALE_AFTER_INTERVALS
                                        + " intervals (" + limit.toSeconds() + "s)"
                                : "no poll finished in the " + ageSeconds + "s since start, more than "
                                        + STALE_AFTER_INTERVALS + " intervals (" + limit.toSeconds() + "s)");
            }
        }

        boolean docker = ask(control::dockerAnswers, false);
        body.put("docker", docker ? "ok" : "unreachable");
        if (!docker) {
            reasons.add("docker engine not answering");
        }

        List<String> problems = ask(control::problems, List.<String>of());
        reasons.addAll(problems);

        boolean healthy = reasons.isEmpty();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("status", healthy ? "ok" : "unhealthy");
        ArrayNode reasonArray = result.putArray("reasons");
        reasons.forEach(reasonArray::add);
        result.setAll(body);
        return new Result(healthy, List.copyOf(reasons), result);
    }

    private interface Question<T> {
        T ask();
    }

    private static <T> T ask(Question<T> question, T onFailure) {
        try {
            T answer = question.ask();
            return answer == null ? onFailure : answer;
        } catch (RuntimeException e) {
            return onFailure;
        }
    }
}
