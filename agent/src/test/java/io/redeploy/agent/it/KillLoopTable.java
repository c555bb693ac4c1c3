package io.redeploy.agent.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The end of a kill loop's output: one row per scenario, then the totals (lines start with {@code killloop}). */
final class KillLoopTable {
    private KillLoopTable() {}

    static void print(KillLoop.Report report, int samples, long excusedDown) {
        StringBuilder out = new StringBuilder();
        out.append("killloop | scenario | kills | healthy/broken | steps at the kill | max kill->whole ms |"
                + " max kill->settled ms | violations |\n");
        out.append("killloop |---|---|---|---|---|---|---|\n");
        for (KillLoop.Scenario scenario : KillLoop.Scenario.values()) {
            List<KillLoop.Iteration> its = report.iterations().stream()
                    .filter(i -> i.scenario() == scenario)
                    .toList();
            if (its.isEmpty()) continue;
            long broken = its.stream().filter(KillLoop.Iteration::broken).count();
            TreeSet<String> steps = new TreeSet<>();
            its.forEach(i -> steps.add(i.atKill()));
            out.append("killloop | ")
                    .append(scenario.label())
                    .append(" | ")
                    .append(its.size())
                    .append(" | ")
                    .append(its.size() - broken)
                    .append('/')
                    .append(broken)
                    .append(" | ")
                    .append(String.join("; ", steps))
                    .append(" | ")
                    .append(its.stream()
                            .mapToLong(KillLoop.Iteration::wholeMs)
                            .max()
                            .orElse(0))
                    .append(" | ")
                    .append(its.stream()
                            .mapToLong(KillLoop.Iteration::settledMs)
                            .max()
                            .orElse(0))
                    .append(" | ")
                    .append(its.stream().mapToLong(i -> i.violations().size()).sum())
                    .append(" |\n");
        }
        long outageViolations = report.outages().stream()
                .filter(KillLoopVerdict.Outage::violation)
                .count();
        out.append("killloop total kills=")
                .append(report.iterations().size())
                .append(" violations=")
                .append(report.violations().size())
                .append(" outages_outside_deploys=")
                .append(report.outages().size())
                .append(" outage_violations=")
                .append(outageViolations)
                .append(" deployed_again_after_unhealthy=")
                .append(report.deployedAgain().size())
                .append(" probe_samples=")
                .append(samples)
                .append(" down_samples_in_deploy_or_kill_windows=")
                .append(excusedDown)
                .append(" took_s=")
                .append(report.took().toSeconds())
                .append('\n');
        report.outages().forEach(o -> out.append("killloop outage ").append(o).append('\n'));
        report.deployedAgain()
                .forEach(d -> out.append("killloop deployed-again ").append(d).append('\n'));
        System.out.print(out);
    }

    /** One kill as one line: its scenario, the step it interrupted, the recovery, the times, violations below it. */
    static String line(KillLoop.Iteration it) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kill", it.index());
        f.put("at", it.killedAt());
        f.put("scenario", it.scenario().label());
        f.put("build", it.build() + (it.broken() ? "(broken)" : ""));
        f.put("delay_ms", it.delayMs());
        f.put("at_kill", it.atKill());
        f.put("restart_ms", it.startedMs());
        f.put("whole_ms", it.wholeMs());
        f.put("settled_ms", it.settledMs());
        f.put("result", it.violations().isEmpty() ? "ok" : "VIOLATION");
        f.put("recovery", it.recovery());
        StringBuilder line = new StringBuilder("killloop");
        f.forEach((k, v) -> line.append(' ').append(k).append('=').append(quote(String.valueOf(v))));
        it.violations().forEach(v -> line.append("\nkillloop   violation: ").append(v));
        return line.toString();
    }

    static String quote(String v) {
        return v.contains(" ") ? "\"" + v + "\"" : v;
    }
}
