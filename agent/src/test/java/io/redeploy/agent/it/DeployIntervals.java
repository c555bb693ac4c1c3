package io.redeploy.agent.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deploys in an agent's event log, each from its {@code event=deploy.start} to the line that ends it
 * ({@code deploy.done}, {@code deploy.rollback} or {@code deploy.failed}). The log is one stream written in order,
 * so two deploys in flight at once would show as a start while another deploy is still open.
 */
record DeployIntervals(List<Deploy> deploys, List<String> overlaps) {
    private static final Pattern EVENT =
            Pattern.compile("event=(deploy\\.(?:start|done|rollback|failed)) service=(\\S+)");

    /** One deploy: its service, the line numbers (0-based) of its start and end, and how it ended. */
    record Deploy(String service, int startLine, int endLine, String end) {}

    static DeployIntervals parse(String log) {
        List<Deploy> deploys = new ArrayList<>();
        List<String> overlaps = new ArrayList<>();
        List<String> lines = log.lines().toList();
        Optional<String> openService = Optional.empty();
        int openLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EVENT.matcher(lines.get(i));
            if (!m.find()) continue;
            String event = m.group(1);
            String service = m.group(2);
            if (event.equals("deploy.start")) {
                if (openService.isPresent()) {
                    overlaps.add("line " + (i + 1) + " starts a deploy of " + service + " while the deploy of "
                            + openService.get() + " started on line " + (openLine + 1) + " is still in flight");
                }
                openService = Optional.of(service);
                openLine = i;
            } else if (openService.isPresent() && openService.get().equals(service)) {
                deploys.add(new Deploy(service, openLine, i, event));
                openService = Optional.empty();
            } else {
                overlaps.add("line " + (i + 1) + " ends a deploy of " + service + " that was not the one in flight ("
                        + openService.orElse("none") + ")");
            }
        }
        if (openService.isPresent()) {
            overlaps.add("the deploy of " + openService.get() + " started on line " + (openLine + 1) + " never ended");
        }
        return new DeployIntervals(List.copyOf(deploys), List.copyOf(overlaps));
    }

    long count(String service, String end) {
        return deploys.stream()
                .filter(d -> d.service().equals(service) && d.end().equals(end))
                .count();
    }
}
