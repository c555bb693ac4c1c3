package io.redeploy.agent.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a kill loop afterwards, from what the {@link UptimeProbe} saw and what the agents logged:
 * <ul>
 *   <li>an <b>outage</b> is a run of samples in which a service's port did not answer a build, outside every window in
 *       which one is expected (a deploy or restart in flight, the agent killed and not yet recovered, the test's own
 *       preparation). It is a violation when {@code /healthz} said 200 during it, or when no {@code service.down} WARN
 *       for that service was logged around it;
 *   <li>a build <b>deployed twice</b> is a {@code deploy.start} of a digest after the agent had found that digest
 *       unhealthy (its {@code deploy.rollback}, or a recovery that judged it).
 * </ul>
 */
final class KillLoopVerdict {
    private static final java.util.Set<String> RESTARTS =
            java.util.Set.of("deploy.restart", "deploy.restart_failed", "service.revived", "service.revive_failed");

    private KillLoopVerdict() {}

    /** A stretch of time in which a service may be down: a deploy, a kill and its recovery, a preparation. */
    record Window(Instant from, Instant to, String why) {
        /**
         * The sample's requests ran, at least in part, inside the window: a request sent just before a kill and cut by
         * it belongs to the kill.
         */
        boolean covers(UptimeProbe.Sample sample) {
            return !sample.end().isBefore(from) && !sample.at().isAfter(to);
        }
    }

    record Outage(
            String service,
            Instant from,
            Instant to,
            int samples,
            boolean healthz200,
            boolean warned,
            List<String> failures) {
        boolean violation() {
            return healthz200 || !warned;
        }

        @Override
        public String toString() {
            return "service=" + service + " from=" + from + " ms="
                    + Duration.between(from, to).toMillis() + " samples=" + samples + " healthz_200=" + healthz200
                    + " warned=" + warned + " failures=" + failures;
        }
    }

    /** A digest the agent found unhealthy, and when. */
    record Judged(String service, String digest, Instant at, String how) {}

    /**
     * The deploy windows of one agent's log: from a {@code deploy.start} to the end of that poll ({@code poll.done}), or
     * to {@code killedAt} for the deploy the agent was killed in (the kill's own window, to recovered, follows it); and
     * each restart of a dependent (or revive), from its start (its end less its {@code duration_ms} and a second for the
     * stop) to its end.
     */
    static List<Window> deployWindows(List<EventLine> log, Instant killedAt) {
        List<Window> windows = new ArrayList<>();
        Instant open = null;
        for (EventLine line : log) {
            if (open == null && line.event().equals("deploy.start")) {
                open = line.at();
            } else if (open != null && line.event().equals("poll.done")) {
                windows.add(new Window(open, line.at(), "deploy"));
                open = null;
            }
        }
        if (open != null) {
            windows.add(new Window(open, killedAt, "deploy (killed)"));
        }
        for (EventLine line : log) {
            // A restart of a dependent, or a revive, outside a poll with a deploy: logged when it ends, with its
            // length.
            if (RESTARTS.contains(line.event()) && !line.get("duration_ms").isEmpty()) {
                windows.add(new Window(
                        line.at().minusMillis(Long.parseLong(line.get("duration_ms")) + 1_000),
                        line.at(),
                        line.event()));
            }
        }
        return windows;
    }

    static List<Outage> outages(
            List<UptimeProbe.Sample> samples, List<Window> windows, List<EventLine> events, Duration pollInterval) {
        List<Outage> outages = new ArrayList<>();
        if (samples.isEmpty()) {
            return outages;
        }
        for (String service : samples.get(0).up().keySet()) {
            List<UptimeProbe.Sample> run = new ArrayList<>();
            for (UptimeProbe.Sample sample : samples) {
                boolean down = !sample.up().getOrDefault(service, true)
                        && windows.stream().noneMatch(w -> w.covers(sample));
                if (down) {
                    run.add(sample);
                } else if (!run.isEmpty()) {
                    outages.add(outage(service, run, events, pollInterval));
                    run = new ArrayList<>();
                }
            }
            if (!run.isEmpty()) {
                outages.add(outage(service, run, events, pollInterval));
            }
        }
        return outages;
    }

    /** Samples in which some service did not answer inside a window: the outages the windows excuse (deploys, kills). */
    static long excusedDownSamples(List<UptimeProbe.Sample> samples, List<Window> windows) {
        return samples.stream()
                .filter(s -> s.up().containsValue(false))
                .filter(s -> windows.stream().anyMatch(w -> w.covers(s)))
                .count();
    }

    private static Outage outage(
            String service, List<UptimeProbe.Sample> run, List<EventLine> events, Duration pollInterval) {
        Instant from = run.get(0).at();
        Instant to = run.get(run.size() - 1).end();
        boolean healthz200 = run.stream().anyMatch(s -> s.healthz() == 200);
        Instant warnFrom = from.minus(pollInterval.multipliedBy(2));
        Instant warnTo = to.plus(pollInterval.multipliedBy(2));
        boolean warned = events.stream()
                .anyMatch(e -> e.is("service.down", service) && !e.at().isBefore(warnFrom) && !e.at().isAfter(warnTo));
        List<String> failures = run.stream()
                .map(s -> s.failures().getOrDefault(service, "?"))
                .distinct()
                .toList();
        return new Outage(service, from, to, run.size(), healthz200, warned, failures);
    }

    /** The digests rolled back by a deploy, from the logs, with those a recovery judged (known to the driver). */
    static List<Judged> judged(List<EventLine> events, List<Judged> byRecovery) {
        List<Judged> judged = new ArrayList<>(byRecovery);
        for (EventLine e : events) {
            if (e.event().equals("deploy.rollback")) {
                judged.add(new Judged(e.get("service"), e.get("to"), e.at(), "deploy.rollback"));
            }
        }
        return judged;
    }

    /** {@code deploy.start} lines of a digest logged after the agent had found it unhealthy. */
    static List<String> deployedAgain(List<EventLine> events, List<Judged> judged) {
        List<String> again = new ArrayList<>();
        for (Judged j : judged) {
            for (EventLine e : events) {
                if (e.is("deploy.start", j.service())
                        && e.at().isAfter(j.at())
                        && sameDigest(e.get("to"), j.digest())) {
                    again.add(j.service() + " " + j.digest() + " found unhealthy (" + j.how() + ") at " + j.at()
                            + ", deployed again at " + e.at());
                }
            }
        }
        return again;
    }

    /** Log lines abbreviate digests ({@code sha256:} and 12 hex digits). */
    static boolean sameDigest(String a, String b) {
        String x = a.replace("sha256:", "");
        String y = b.replace("sha256:", "");
        int n = Math.min(12, Math.min(x.length(), y.length()));
        return n > 0 && x.substring(0, n).equals(y.substring(0, n));
    }
}
