package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Follows a rolling update that Swarm carries out on its own: polls the service's {@code UpdateStatus} and its tasks
 * until Swarm completes the update, rolls it back, pauses it, or a deadline passes. Swarm's word decides: the update
 * is deployed when Swarm says {@code completed} (or reports nothing because no task had to change) and every desired
 * task runs the target digest. A pause is reported, never resumed or forced.
 */
public final class SwarmUpdateFollower {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SwarmUpdateFollower.class);

    private final SwarmView swarm;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;

    public SwarmUpdateFollower(SwarmView swarm, Clock clock, Sleeper sleeper, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        this.swarm = Objects.requireNonNull(swarm);
        this.clock = Objects.requireNonNull(clock);
        this.sleeper = Objects.requireNonNull(sleeper);
        this.pollInterval = pollInterval;
    }

    /** Follows service {@code serviceId} (name or ID) towards {@code target} for at most {@code timeout}. */
    public SwarmUpdateOutcome follow(String serviceId, Digest target, Duration timeout) throws InterruptedException {
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        String rollbackReason = "";
        String lastState = "none";
        String lastMessage = "";
        Progress progress = Progress.NONE;
        String reported = "";
        while (true) {
            Optional<SwarmService> service;
            List<SwarmTask> tasks;
            try {
                service = swarm.inspectService(serviceId);
                tasks = service.map(s -> swarm.tasks(s.id())).orElse(List.of());
            } catch (SwarmApiException e) {
                // A manager election or a busy engine: Swarm goes on regardless; look again until the deadline.
                lastMessage = "engine error while following: " + e.getMessage();
                service = null;
                tasks = List.of();
            }
            if (service != null) {
                if (service.isEmpty()) {
                    return outcome(
                            SwarmUpdateOutcome.Result.FAILED,
                            serviceId,
                            target,
                            lastState,
                            "service was removed during the update",
                            progress,
                            start);
                }
                SwarmService s = service.get();
                // A failed task leaves the list once Swarm prunes its history: keep the latest error seen.
                Optional<String> previousError = progress.taskError();
                progress = Progress.of(s, tasks, target);
                if (progress.taskError().isEmpty() && previousError.isPresent()) {
                    progress = new Progress(progress.runningOnTarget(), progress.desired(), previousError);
                }
                Optional<SwarmUpdateStatus> status = s.updateStatus();
                lastState = status.map(SwarmUpdateStatus::rawState).orElse("none");
                lastMessage = status.map(SwarmUpdateStatus::message).orElse("");
                String line = lastState + " " + progress.runningOnTarget() + "/" + progress.desired();
                if (!line.equals(reported)) {
                    reported = line;
                    Event.info(log, "swarm.update_progress")
                            .with("service", s.name())
                            .with("state", lastState)
                            .with("running_new", progress.runningOnTarget())
                            .with("desired", progress.desired())
                            .log();
                }
                SwarmUpdateStatus.State state =
                        status.map(SwarmUpdateStatus::state).orElse(null);
                if (state == SwarmUpdateStatus.State.ROLLBACK_STARTED && rollbackReason.isEmpty()) {
                    rollbackReason = lastMessage;
                }
                Optional<SwarmUpdateOutcome.Result> end = decide(state, s, progress, target);
                if (end.isPresent()) {
                    String message = switch (end.get()) {
                        case ROLLED_BACK ->
                            rollbackReason.isEmpty() || rollbackReason.equals(lastMessage)
                                    ? lastMessage
                                    : rollbackReason + " (" + lastMessage + ")";
                        case FAILED -> "the service's image was changed by another writer to " + s.image();
                        default -> lastMessage;
                    };
                    return outcome(end.get(), s.name(), target, lastState, message, progress, start);
                }
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                String message = "no end state within " + timeout + " (Swarm: " + lastState
                        + (lastMessage.isEmpty() ? "" : ", " + lastMessage) + ")";
                return outcome(
                        SwarmUpdateOutcome.Result.TIMED_OUT, serviceId, target, lastState, message, progress, start);
            }
            sleeper.sleep(left.compareTo(pollInterval) < 0 ? left : pollInterval);
        }
    }

    /** The end reached by one poll, or empty to look again. */
    private static Optional<SwarmUpdateOutcome.Result> decide(
            SwarmUpdateStatus.State state, SwarmService service, Progress progress, Digest target) {
        if (state == SwarmUpdateStatus.State.ROLLBACK_COMPLETED) {
            return Optional.of(SwarmUpdateOutcome.Result.ROLLED_BACK);
        }
        if (state == SwarmUpdateStatus.State.PAUSED || state == SwarmUpdateStatus.State.ROLLBACK_PAUSED) {
            return Optional.of(SwarmUpdateOutcome.Result.PAUSED);
        }
        if (state == SwarmUpdateStatus.State.ROLLBACK_STARTED) {
            return Optional.empty();
        }
        if (!service.digest().filter(target::equals).isPresent()) {
            return Optional.of(SwarmUpdateOutcome.Result.FAILED);
        }
        boolean settled = state == null || state == SwarmUpdateStatus.State.COMPLETED;
        if (settled && progress.desired() > 0 && progress.runningOnTarget() >= progress.desired()) {
            return Optional.of(SwarmUpdateOutcome.Result.DEPLOYED);
        }
        return Optional.empty();
    }

    private SwarmUpdateOutcome outcome(
            SwarmUpdateOutcome.Result result,
            String service,
            Digest target,
            String state,
            String message,
            Progress progress,
            Instant start) {
        SwarmUpdateOutcome o = new SwarmUpdateOutcome(
                result,
                service,
                target,
                state,
                message,
                progress.runningOnTarget(),
                progress.desired(),
                Duration.between(start, clock.instant()),
                progress.taskError());
        Event.info(log, "swarm.update_done")
                .with("service", service)
                .with("result", result.label())
                .with("state", state)
                .with("running_new", o.runningOnTarget())
                .with("desired", o.desired())
                .with("elapsed_ms", o.elapsed().toMillis())
                .with("message", message)
                .log();
        return o;
    }

    /** Tasks on the target digest against those the service wants, from one poll. */
    record Progress(int runningOnTarget, int desired, Optional<String> taskError) {
        static final Progress NONE = new Progress(0, 0, Optional.empty());

        static Progress of(SwarmService service, List<SwarmTask> tasks, Digest target) {
            boolean global = service.mode() == SwarmService.Mode.GLOBAL;
            int desired = global
                    ? (int) tasks.stream()
                            .filter(t -> "running".equals(t.desiredState()))
                            .map(SwarmTask::nodeId)
                            .distinct()
                            .count()
                    : (int) service.replicas().orElse(0);
            Set<String> onTarget = tasks.stream()
                    .filter(t -> t.runs(target))
                    .map(t -> global || t.slot().isEmpty()
                            ? t.nodeId()
                            : "slot" + t.slot().getAsInt())
                    .collect(Collectors.toSet());
            Optional<String> error = tasks.stream()
                    .filter(t -> t.digest().filter(target::equals).isPresent()
                            && !t.error().isEmpty())
                    .max(Comparator.comparing(t -> t.timestamp().orElse(Instant.EPOCH)))
                    .map(t -> t.state() + ": " + t.error());
            return new Progress(onTarget.size(), desired, error);
        }
    }
}
