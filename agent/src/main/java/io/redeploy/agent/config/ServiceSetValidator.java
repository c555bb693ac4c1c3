package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that need all services at once: unique names and ports, known dependencies, no cycles. */
final class ServiceSetValidator {
    private final Problems problems;

    ServiceSetValidator(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param declaredNames every service name in the file, including those whose settings could not be read:
     *        depending on one of them is not a second mistake
     * @param agentListen the agent's own HTTP address, which no service may publish on
     */
    void validate(List<ServiceDraft> services, List<String> declaredNames, PortMapping agentListen) {
        uniqueContainerNames(services);
        uniqueHostPorts(services, agentListen);
        knownDependencies(services, declaredNames);
        noCycles(services);
    }

    private void uniqueContainerNames(List<ServiceDraft> services) {
        Map<String, ServiceDraft> owners = new HashMap<>();
        for (ServiceDraft service : services) {
            ServiceDraft owner = owners.putIfAbsent(service.containerName, service);
            if (owner != null) {
                problems.add(
                        service.containerNameLine,
                        MappingReader.child(service.path, "container_name"),
                        "'" + service.containerName + "' is already the container name of service '" + owner.name
                                + "'; expected a unique container name");
            }
        }
    }

    private void uniqueHostPorts(List<ServiceDraft> services, PortMapping agentListen) {
        record Published(PortMapping mapping, String path) {}
        List<Published> published = new ArrayList<>();
        published.add(new Published(agentListen, "the agent itself (http.listen)"));
        for (ServiceDraft service : services) {
            for (int i = 0; i < service.ports.size(); i++) {
                ServiceDraft.Located<PortMapping> port = service.ports.get(i);
                String path = MappingReader.item(MappingReader.child(service.path, "ports"), i);
                published.stream()
                        .filter(p -> PortMappings.clash(p.mapping(), port.value()))
                        .findFirst()
                        .ifPresent(p -> problems.add(
                                port.line(),
                                path,
                                "host port "
                                        + PortMappings.describe(port.value()) + " is already published by " + p.path()
                                        + "; expected each host port published once"));
                published.add(new Published(port.value(), path));
            }
            if (service.proxy.isPresent()) {
                ProxyConfig proxy = service.proxy.get();
                PortMapping listen = new PortMapping(proxy.listenHost(), proxy.listenPort(), 0, "tcp");
                String path = MappingReader.child(MappingReader.child(service.path, "proxy"), "listen");
                published.stream()
                        .filter(p -> PortMappings.clash(p.mapping(), listen))
                        .findFirst()
                        .ifPresent(p -> problems.add(
                                service.proxyListenLine,
                                path,
                                "host port "
                                        + PortMappings.describe(listen) + " is already published by " + p.path()
                                        + "; expected each host port published once"));
                published.add(new Published(listen, path));
            }
        }
    }

    private void knownDependencies(List<ServiceDraft> services, List<String> names) {
        for (ServiceDraft service : services) {
            for (int i = 0; i < service.dependsOn.size(); i++) {
                ServiceDraft.Located<String> dependency = service.dependsOn.get(i);
                if (names.contains(dependency.value())) {
                    continue;
                }
                String hint = KeySuggester.nearest(dependency.value(), names)
                        .map(n -> "did you mean '" + n + "'?")
                        .orElse("expected one of: " + String.join(", ", names));
                problems.add(
                        dependency.line(),
                        MappingReader.item(MappingReader.child(service.path, "depends_on"), i),
                        "'" + dependency.value() + "' is not a service in this file; " + hint);
            }
        }
    }

    private void noCycles(List<ServiceDraft> services) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        Map<String, ServiceDraft> byName = new HashMap<>();
        for (ServiceDraft service : services) {
            graph.put(service.name, service.dependencyNames());
            byName.put(service.name, service);
        }
        for (List<String> cycle : DependencyOrder.cycles(graph)) {
            ServiceDraft first = byName.get(cycle.get(0));
            problems.add(
                    first.dependsOnLine,
                    MappingReader.child(first.path, "depends_on"),
                    "dependency cycle " + DependencyOrder.describe(cycle)
                            + "; expected no service to depend on itself, even indirectly");
        }
    }
}
