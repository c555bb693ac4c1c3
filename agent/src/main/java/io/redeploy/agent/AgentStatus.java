package io.redeploy.agent;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.http.AgentControl;
import io.redeploy.agent.schedule.PollScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the HTTP endpoint asks the running agent: the scheduler, the last poll, Docker, and the trigger. */
final class AgentStatus implements AgentControl {
    private final PollScheduler scheduler;
    private final DockerGateway docker;
    private final List<ServiceConfig> services;
    private final Supplier<Optional<Instant>> lastPollFinished;
    private final Consumer<Optional<String>> trigger;
    private final Supplier<List<String>> problems;

    AgentStatus(
            PollScheduler scheduler,
            DockerGateway docker,
            List<ServiceConfig> services,
            Supplier<Optional<Instant>> lastPollFinished,
            Consumer<Optional<String>> trigger,
            Supplier<List<String>> problems) {
        this.problems = problems;
        this.scheduler = scheduler;
        this.docker = docker;
        this.services = List.copyOf(services);
        this.lastPollFinished = lastPollFinished;
        this.trigger = trigger;
    }

    @Override
    public boolean schedulerRunning() {
        return scheduler.isRunning();
    }

    @Override
    public Optional<Instant> lastPollFinished() {
        return lastPollFinished.get();
    }

    @Override
    public Optional<Instant> nextPoll() {
        return scheduler.nextPoll();
    }

    @Override
    public Duration pollInterval() {
        return scheduler.period();
    }

    @Override
    public boolean dockerAnswers() {
        try {
            docker.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<String> problems() {
        return problems.get();
    }

    @Override
    public Set<String> serviceNames() {
        Set<String> names = new LinkedHashSet<>();
        services.forEach(s -> names.add(s.name()));
        return names;
    }

    @Override
    public void triggerPoll(Optional<String> service) {
        trigger.accept(service);
    }
}
