package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orders services so that each comes after everything it depends on; shared by validation and deploys. */
public final class DependencyOrder {
    private DependencyOrder() {}

    /**
     * Dependencies first; among services free to go, file order (a file already in a valid order is unchanged).
     * Dependencies on services not in the list are ignored, so a subset of services can be ordered.
     *
     * @throws IllegalArgumentException naming the cycle ({@code web -> api -> web}) if there is one;
     *         a config from {@link ConfigLoader} never has one
     */
    public static List<ServiceConfig> order(List<ServiceConfig> services) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        services.forEach(s -> graph.put(s.name(), s.dependsOn()));
        List<List<String>> cycles = cycles(graph);
        if (!cycles.isEmpty()) {
            throw new IllegalArgumentException("dependency cycle " + describe(cycles.get(0)));
        }
        List<ServiceConfig> ordered = new ArrayList<>(services.size());
        Set<String> placed = new HashSet<>();
        List<ServiceConfig> waiting = new ArrayList<>(services);
        while (!waiting.isEmpty()) {
            // Cycles were ruled out above, so some waiting service always has all its dependencies placed.
            for (int i = 0; i < waiting.size(); i++) {
                ServiceConfig candidate = waiting.get(i);
                if (candidate.dependsOn().stream().allMatch(d -> placed.contains(d) || !graph.containsKey(d))) {
                    ordered.add(candidate);
                    placed.add(candidate.name());
                    waiting.remove(i);
                    break;
                }
            }
        }
        return List.copyOf(ordered);
    }

    /** {@code web -> api -> web}. */
    static String describe(List<String> cycle) {
        return String.join(" -> ", cycle);
    }

    /**
     * Dependency cycles in {@code graph} (name to its dependencies, in file order), each written from the
     * member that comes first in the file and back to it: {@code [web, api, web]}. Finds at least one cycle
     * in every group of services that depend on each other; unknown names are ignored.
     */
    static List<List<String>> cycles(Map<String, List<String>> graph) {
        List<String> fileOrder = new ArrayList<>(graph.keySet());
        Set<String> done = new HashSet<>();
        Set<List<String>> found = new LinkedHashSet<>();
        for (String start : fileOrder) {
            visit(start, graph, new ArrayList<>(), done, found, fileOrder);
        }
        return List.copyOf(found);
    }

    private static void visit(
            String node,
            Map<String, List<String>> graph,
            List<String> stack,
            Set<String> done,
            Set<List<String>> found,
            List<String> fileOrder) {
        if (done.contains(node) || !graph.containsKey(node)) {
            return;
        }
        int onStack = stack.indexOf(node);
        if (onStack >= 0) {
            found.add(rotate(stack.subList(onStack, stack.size()), fileOrder));
            return;
        }
        stack.add(node);
        for (String dependency : graph.get(node)) {
            visit(dependency, graph, stack, done, found, fileOrder);
        }
        stack.remove(stack.size() - 1);
        done.add(node);
    }

    /** Starts the cycle at its earliest member in the file and closes it, so each cycle is reported once. */
    private static List<String> rotate(List<String> cycle, List<String> fileOrder) {
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (fileOrder.indexOf(cycle.get(i)) < fileOrder.indexOf(cycle.get(first))) {
                first = i;
            }
        }
        List<String> rotated = new ArrayList<>(cycle.subList(first, cycle.size()));
        rotated.addAll(cycle.subList(0, first));
        rotated.add(rotated.get(0));
        return List.copyOf(rotated);
    }
}
