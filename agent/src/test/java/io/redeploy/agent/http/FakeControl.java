package io.redeploy.agent.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** An agent whose answers the test sets directly. */
final class FakeControl implements AgentControl {
    volatile boolean schedulerRunning = true;
    volatile Optional<Instant> lastPollFinished = Optional.empty();
    volatile Optional<Instant> nextPoll = Optional.empty();
    volatile Duration pollInterval = Duration.ofMinutes(5);
    volatile boolean dockerAnswers = true;
    volatile Set<String> serviceNames = Set.of("web", "db");
    /** When set, every request that asks for the services waits for it (a slow agent). */
    volatile java.util.concurrent.CountDownLatch slow;

    volatile RuntimeException failure;
    volatile RuntimeException triggerFailure;
    volatile java.util.List<String> problems = java.util.List.of();
    final List<Optional<String>> triggered = new CopyOnWriteArrayList<>();
    /** What the fake agent refuses the next action with, when set. */
    volatile AgentControl.Refused refusal;

    final List<String> actions = new CopyOnWriteArrayList<>();

    @Override
    public io.redeploy.agent.state.Hold hold(String service, String by, String reason) throws Refused {
        refuseIfAsked();
        actions.add("hold " + service + " " + by + " " + reason);
        return new io.redeploy.agent.state.Hold(by, Instant.parse("2026-11-25T18:00:00Z"), reason);
    }

    @Override
    public io.redeploy.agent.state.Hold release(String service, String by) throws Refused {
        refuseIfAsked();
        actions.add("release " + service + " " + by);
        return new io.redeploy.agent.state.Hold("alice", Instant.parse("2026-11-25T17:00:00Z"), "");
    }

    @Override
    public Rollback rollback(String service, Optional<String> to, String by, String reason) throws Refused {
        refuseIfAsked();
        actions.add("rollback " + service + " " + to.orElse("-") + " " + by + " " + reason);
        return new Rollback(
                service,
                Optional.of("sha256:" + "b".repeat(64)),
                to.orElse("sha256:" + "a".repeat(64)),
                new io.redeploy.agent.state.Hold(by, Instant.parse("2026-11-25T18:00:00Z"), reason));
    }

    @Override
    public Approved approve(String service, Optional<String> digest, String by) throws Refused {
        refuseIfAsked();
        actions.add("approve " + service + " " + digest.orElse("-") + " " + by);
        return new Approved(
                service, digest.orElse("sha256:" + "c".repeat(64)), by, Instant.parse("2026-11-25T18:00:00Z"));
    }

    @Override
    public LinkPreview previewLink(String token) throws Refused {
        refuseIfAsked();
        actions.add("preview " + token);
        return new LinkPreview(
                "web",
                "sha256:" + "c".repeat(64),
                Instant.parse("2026-11-25T17:00:00Z"),
                Instant.parse("2026-11-26T17:00:00Z"));
    }

    @Override
    public Approved approveLink(String token) throws Refused {
        refuseIfAsked();
        actions.add("approve-link " + token);
        return new Approved("web", "sha256:" + "c".repeat(64), "link", Instant.parse("2026-11-25T18:00:00Z"));
    }

    private void refuseIfAsked() throws Refused {
        if (refusal != null) {
            throw refusal;
        }
    }

    @Override
    public boolean schedulerRunning() {
        failIfAsked();
        return schedulerRunning;
    }

    @Override
    public Optional<Instant> lastPollFinished() {
        failIfAsked();
        return lastPollFinished;
    }

    @Override
    public Optional<Instant> nextPoll() {
        failIfAsked();
        return nextPoll;
    }

    @Override
    public Duration pollInterval() {
        failIfAsked();
        return pollInterval;
    }

    @Override
    public boolean dockerAnswers() {
        failIfAsked();
        return dockerAnswers;
    }

    @Override
    public java.util.List<String> problems() {
        return problems;
    }

    @Override
    public Set<String> serviceNames() {
        failIfAsked();
        java.util.concurrent.CountDownLatch gate = slow;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return serviceNames;
    }

    @Override
    public void triggerPoll(Optional<String> service) {
        failIfAsked();
        if (triggerFailure != null) {
            throw triggerFailure;
        }
        triggered.add(service);
    }

    private void failIfAsked() {
        if (failure != null) {
            throw failure;
        }
    }
}
