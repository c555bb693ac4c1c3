package io.redeploy.agent.it;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The kill loop: the packaged agent deploys real builds from the local registry and is killed with SIGKILL at a
 * random moment of each deploy, then started again on the same config and state. Each iteration pushes a new build
 * (healthy, or broken at {@code brokenRatio}) of one {@link Scenario}'s service, triggers {@code POST /v1/update},
 * waits a random delay between 0 and the scenario's usual deploy time, kills the agent, restarts it, and checks:
 * within one health timeout (plus the stop timeout and a margin, counted from the restarted agent's
 * {@code agent.started}) every service is whole; once the restarted agent's first poll is done, every service runs
 * its newest healthy build. An {@link UptimeProbe} runs throughout; {@link KillLoopVerdict} judges outages and
 * builds deployed again after being found unhealthy at the end. One {@code killloop ...} line per iteration, and a
 * table at the end.
 */
final class KillLoop implements AutoCloseable {

    /** What an iteration deploys. {@code broken}: null for "broken at the configured ratio". */
    enum Scenario {
        PLAIN("web", false, 3_000, 0),
        ROLLBACK("web", true, 0, 9_000),
        ADOPTION("web", null, 3_000, 9_000),
        START_FIRST("front", null, 3_000, 8_000),
        DEPENDENT("base", null, 5_000, 9_000);

        final String service;
        final Boolean broken;
        /** The usual duration of the deploy (trigger to done) in ms, healthy / broken: kills land in [0, it]. */
        final int healthyMs;

        final int brokenMs;

        Scenario(String service, Boolean broken, int healthyMs, int brokenMs) {
            this.service = service;
            this.broken = broken;
            this.healthyMs = healthyMs;
            this.brokenMs = brokenMs;
        }

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    record Options(int kills, long seed, double brokenRatio) {
        static Options fromSystemProperties(int defaultKills) {
            return new Options(
                    Integer.getInteger("killloop.kills", defaultKills),
                    Long.getLong("killloop.seed", System.nanoTime()),
                    Double.parseDouble(System.getProperty("killloop.broken", "0.3")));
        }
    }

    /** One kill and what followed. */
    record Iteration(
            int index,
            Instant killedAt,
            Scenario scenario,
            boolean broken,
            String build,
            long delayMs,
            String atKill,
            String recovery,
            long startedMs,
            long wholeMs,
            long settledMs,
            List<String> violations) {}

    /** The whole run: every iteration, the outages outside deploys, builds deployed again after being judged. */
    record Report(
            List<Iteration> iterations,
            List<KillLoopVerdict.Outage> outages,
            List<String> deployedAgain,
            Duration took) {
        List<String> violations() {
            List<String> all = new ArrayList<>();
            iterations.forEach(i -> i.violations().forEach(v -> all.add("kill " + i.index() + ": " + v)));
            outages.stream().filter(KillLoopVerdict.Outage::violation).forEach(o -> all.add("outage " + o));
            all.addAll(deployedAgain);
            return all;
        }
    }

    private final Options options;
    private final Random random;
    private final Path dir;
    private final KillLoopStack stack;
    private final List<AgentProcess> agents = new ArrayList<>();
    /** When each agent process was killed (null: still running); same order as {@link #agents}. */
    private final List<Instant> killedAt = new ArrayList<>();

    private final List<KillLoopVerdict.Window> windows = new ArrayList<>();
    private final List<KillLoopVerdict.Judged> judgedByRecovery = new ArrayList<>();
    private AgentProcess agent;
    /** The longest wait for one step: a restarted agent may judge a build for a whole gate, then roll back. */
    private final Duration step;

    KillLoop(Options options, Path dir) {
        this.options = options;
        this.random = new Random(options.seed());
        this.dir = dir;
        this.stack = new KillLoopStack(dir);
        this.step = Duration.ofSeconds(90).plus(stack.builds.healthTimeout().multipliedBy(2));
    }

    Report run() {
        Instant began = Instant.now();
        System.out.println("killloop start images=" + stack.builds.kind() + " kills=" + options.kills() + " seed="
                + options.seed() + " broken_ratio=" + options.brokenRatio() + " run=" + stack.run + " dir=" + dir);
        firstBuilds();
        List<Iteration> iterations = new ArrayList<>();
        List<UptimeProbe.Sample> samples;
        try (UptimeProbe probe = UptimeProbe.start(stack.httpPort, stack.probeTargets())) {
            for (int i = 1; i <= options.kills(); i++) {
                Iteration it = iteration(i);
                iterations.add(it);
                System.out.println(KillLoopTable.line(it));
            }
            samples = probe.samples();
        }
        List<EventLine> events = new ArrayList<>();
        for (int a = 0; a < agents.size(); a++) {
            List<EventLine> log = EventLine.parse(agents.get(a).stdout());
            events.addAll(log);
            Instant end = killedAt.get(a) != null ? killedAt.get(a) : Instant.now();
            windows.addAll(KillLoopVerdict.deployWindows(log, end));
        }
        List<KillLoopVerdict.Outage> outages =
                KillLoopVerdict.outages(samples, windows, events, KillLoopStack.POLL_INTERVAL);
        List<String> again = KillLoopVerdict.deployedAgain(events, KillLoopVerdict.judged(events, judgedByRecovery));
        Report report = new Report(iterations, outages, again, Duration.between(began, Instant.now()));
        KillLoopTable.print(report, samples.size(), KillLoopVerdict.excusedDownSamples(samples, windows));
        return report;
    }

    /** Build 1 of every service, deployed by the agent's first poll: the starting point. */
    private void firstBuilds() {
        for (KillLoopStack.Service s : stack.services()) {
            push(s, false);
        }
        agent = startAgent();
        agent.awaitLog("event=poll.done", step);
        List<KillLoopStack.Container> containers = stack.containers();
        List<String> problems = new ArrayList<>();
        stack.services().forEach(s -> problems.addAll(stack.problems(s, containers)));
        if (!problems.isEmpty()) {
            throw new AssertionError("first deploy not whole: " + problems + "\n" + agent.stdout());
        }
    }

    private Iteration iteration(int index) {
        Scenario scenario = Scenario.values()[(index - 1) % Scenario.values().length];
        boolean broken = scenario.broken != null ? scenario.broken : random.nextDouble() < options.brokenRatio();
        KillLoopStack.Service s = byKey(scenario.service);
        if (scenario == Scenario.ADOPTION) {
            handOverToAnUnmanagedContainer(s);
        }
        String build = push(s, broken);
        String digest = stack.registryDigest(s);
        int mark = agent.mark();
        List<String> violations = new ArrayList<>();
        int status = agent.triggerPoll();
        if (status != 202) {
            violations.add("POST /v1/update answered " + status);
        }
        long delay = random.nextInt(stack.builds.deployMs(scenario, broken) + 1);
        AgentProcess.pause(Duration.ofMillis(delay));

        Instant kill = Instant.now();
        agent.kill9();
        killedAt.set(killedAt.size() - 1, kill);
        String atKill = atKill(agent.logSince(mark));
        if (atKill.contains(s.key + ":STOP_FIRST/ROLL_BACK") || atKill.contains(s.key + ":START_FIRST/ROLL_BACK")) {
            // Killed during a rollback: the build had been found unhealthy, whatever recovery finds after.
            judgedByRecovery.add(new KillLoopVerdict.Judged(s.key, digest, kill, "journal ROLL_BACK"));
        }

        agent = startAgent();
        Instant whole = awaitSettled(agent);
        Instant settled = Instant.now();
        // The agent does not touch the dependents of a database it put back (unless it restarts them after an update):
        // they reconnect by themselves, and get one health timeout to answer again, inside the kill window.
        Instant reconnected = scenario == Scenario.DEPENDENT ? awaitOthersAnswer(s) : settled;
        windows.add(new KillLoopVerdict.Window(kill, reconnected, "kill " + index));
        List<EventLine> log = EventLine.parse(agent.stdout());
        Instant started = log.stream()
                .filter(e -> e.event().equals("agent.started"))
                .map(EventLine::at)
                .findFirst()
                .orElse(settled);
        if (!broken) {
            s.expectedBuild = build;
            s.expectedDigest = digest;
            s.adopted = false;
        }
        List<KillLoopStack.Container> containers = stack.containers();
        stack.services().forEach(svc -> violations.addAll(stack.problems(svc, containers)));
        if (scenario == Scenario.DEPENDENT && !broken) {
            violations.addAll(stack.unrestartedDependents());
        }
        if (whole == null) {
            violations.add("never whole before the restarted agent's first poll was done");
        } else if (Duration.between(started, whole).compareTo(stack.wholeWithin()) > 0) {
            violations.add(
                    "whole " + Duration.between(started, whole).toMillis() + " ms after agent.started, more than "
                            + stack.wholeWithin().toMillis());
        }
        String recovery = recovery(log, s, digest);
        return new Iteration(
                index,
                kill,
                scenario,
                broken,
                build,
                delay,
                atKill,
                recovery,
                Duration.between(kill, started).toMillis(),
                whole == null ? -1 : Duration.between(kill, whole).toMillis(),
                Duration.between(kill, settled).toMillis(),
                violations);
    }

    /**
     * Waits for the restarted agent's first poll to be done (recovery comes before it); returns the first moment every
     * service was whole meanwhile, or null.
     */
    private Instant awaitSettled(AgentProcess restarted) {
        Instant deadline = Instant.now().plus(step);
        Instant whole = null;
        while (restarted.count("event=poll.done") == 0) {
            if (Instant.now().isAfter(deadline) || !restarted.isAlive()) {
                return whole;
            }
            if (whole == null) {
                List<KillLoopStack.Container> containers = stack.containers();
                if (stack.services().stream()
                        .allMatch(s -> KillLoopStack.notWhole(s, containers).isEmpty())) {
                    whole = Instant.now();
                }
            }
            AgentProcess.pause(Duration.ofMillis(100));
        }
        if (whole == null) {
            List<KillLoopStack.Container> containers = stack.containers();
            if (stack.services().stream()
                    .allMatch(s -> KillLoopStack.notWhole(s, containers).isEmpty())) {
                whole = Instant.now();
            }
        }
        return whole;
    }

    /** Waits (at most one health timeout) until every service but {@code s} answers; returns when that was. */
    private Instant awaitOthersAnswer(KillLoopStack.Service s) {
        Instant deadline = Instant.now().plus(stack.builds.healthTimeout());
        while (Instant.now().isBefore(deadline)
                && stack.services().stream()
                        .filter(other -> other != s)
                        .anyMatch(other -> stack.builds.answer(other).isEmpty())) {
            AgentProcess.pause(Duration.ofMillis(100));
        }
        return Instant.now();
    }

    /** The step the kill interrupted: the journal's entries, else where the log of the deploy stood. */
    private String atKill(String logSinceTrigger) {
        String journal = stack.journal();
        if (!journal.isEmpty()) {
            return journal;
        }
        if (!logSinceTrigger.contains("event=deploy.start")) {
            return "before deploy.start";
        }
        if (logSinceTrigger.contains("event=deploy.done") || logSinceTrigger.contains("event=deploy.rollback")) {
            return "after the deploy ended";
        }
        return "deploy started, no journal entry";
    }

    /** The restarted agent's recovery lines; a recovery that judged the iteration's build is remembered. */
    private String recovery(List<EventLine> log, KillLoopStack.Service s, String digest) {
        List<String> actions = new ArrayList<>();
        for (EventLine e : log) {
            if (!e.event().equals("recover")) continue;
            actions.add(e.get("service") + ": " + e.get("action"));
            if (e.get("service").equals(s.key) && judgedUnhealthy(e.get("action"))) {
                judgedByRecovery.add(new KillLoopVerdict.Judged(s.key, digest, e.at(), "recover"));
            }
        }
        return actions.isEmpty() ? "-" : String.join(" / ", actions);
    }

    /** The recovery texts of a build judged unhealthy (JournalRecovery, StopFirstRecovery, StartFirstRecovery). */
    static boolean judgedUnhealthy(String action) {
        // JournalRecovery's rollBack (a ROLL_BACK under way, a new container that died, a gate failed in recovery).
        return action.contains("rolled back the interrupted deploy (")
                || action.contains("finished the interrupted rollback")
                || action.contains("not healthy")
                || action.contains("left the new container exited")
                || (action.contains("by an interrupted start-first deploy") && !action.contains("next poll deploys"));
    }

    /**
     * An adoption: the agent stopped (SIGTERM, idle), the service's container replaced by one started by hand on the
     * same build (no agent labels), the agent started again; its first poll finds the build already running.
     */
    private void handOverToAnUnmanagedContainer(KillLoopStack.Service s) {
        Instant from = Instant.now();
        agent.sigterm();
        if (agent.awaitExit(step) == null) {
            throw new AssertionError("the agent did not stop on SIGTERM\n" + agent.stdout());
        }
        killedAt.set(killedAt.size() - 1, Instant.now());
        LocalStack.exec("docker", "rm", "-f", s.container);
        stack.builds.runByHand(s);
        // As an operator would: the container started by hand answers before the agent is started again (a JVM app
        // takes seconds; that outage is the set-up's, not the agent's).
        Instant deadline = Instant.now().plus(step);
        while (stack.builds.answer(s).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the container started by hand never answered: " + s.container);
            }
            AgentProcess.pause(Duration.ofMillis(200));
        }
        s.adopted = true;
        agent = startAgent();
        agent.awaitLog("event=poll.done", step);
        windows.add(new KillLoopVerdict.Window(from, Instant.now(), "adoption set-up"));
    }

    private String push(KillLoopStack.Service s, boolean broken) {
        s.builds++;
        String build = s.key + "-" + s.builds;
        stack.builds.publish(s, build, broken);
        if (s.expectedBuild.isEmpty()) {
            s.expectedBuild = build;
            s.expectedDigest = stack.registryDigest(s);
        }
        return build;
    }

    private KillLoopStack.Service byKey(String key) {
        return stack.services().stream()
                .filter(s -> s.key.equals(key))
                .findFirst()
                .orElseThrow();
    }

    private AgentProcess startAgent() {
        AgentProcess started = AgentProcess.start(
                dir, "agent-" + (agents.size() + 1), stack.httpPort, "--config", stack.config.toString());
        agents.add(started);
        killedAt.add(null);
        return started;
    }

    @Override
    public void close() {
        agents.forEach(AgentProcess::close);
        stack.removeContainersAndBuilds();
    }
}
