package io.redeploy.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads how a service's new container replaces the old one: {@code strategy} and the {@code proxy} port a
 * start-first switch moves, refusing the combinations that cannot switch anything.
 */
final class StrategyBinder {
    private static final List<String> PROXY_KEYS =
            List.of("listen", "container_port", "drain", "idle_timeout", "max_connections_per_client");

    private final Problems problems;
    private final TrafficBinder traffic;

    StrategyBinder(Problems problems) {
        this.problems = problems;
        this.traffic = new TrafficBinder(problems);
    }

    /** After the ports and the network are bound: the checks read them. */
    void bind(MappingReader reader, ServiceDraft draft) {
        proxy(reader, draft);
        traffic.bind(reader, draft);
        strategy(reader, draft);
    }

    private void proxy(MappingReader service, ServiceDraft draft) {
        service.reader("proxy", "a mapping such as {listen: \"0.0.0.0:8080\", container_port: 8080}", PROXY_KEYS)
                .ifPresent(reader -> {
                    Optional<HostPort> listen = reader.parsed("listen", "host:port", HostPort::listen);
                    Optional<Integer> containerPort = reader.port("container_port");
                    Optional<Duration> drain = reader.duration("drain", Duration.ZERO);
                    Optional<Duration> idle = reader.duration("idle_timeout", Duration.ofSeconds(1));
                    Optional<Integer> perClient = reader.parsed(
                            "max_connections_per_client",
                            "a number 1-" + ProxyConfig.MAX_CONNECTIONS,
                            StrategyBinder::perClient);
                    for (String required : List.of("listen", "container_port")) {
                        if (!reader.has(required)) {
                            problems.add(
                                    reader.line(),
                                    reader.path(),
                                    "missing required key '" + required + "'; expected "
                                            + "e.g. {listen: \"0.0.0.0:8080\", container_port: 8080}");
                        }
                    }
                    if (draft.network
                            .filter(n -> n.equals("host") || n.equals("none"))
                            .isPresent()) {
                        problems.add(
                                service.lineOf("proxy"),
                                service.pathOf("proxy"),
                                "the container's port cannot be "
                                        + "published on network '" + draft.network.get()
                                        + "'; expected no network, or a "
                                        + "user-defined one");
                    }
                    if (listen.isPresent() && containerPort.isPresent()) {
                        draft.proxy = Optional.of(new ProxyConfig(
                                listen.get().host(),
                                listen.get().port().orElseThrow(),
                                containerPort.get(),
                                drain.orElse(ProxyConfig.DEFAULT_DRAIN),
                                idle.orElse(ProxyConfig.DEFAULT_IDLE_TIMEOUT),
                                perClient.orElse(ProxyConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)));
                        draft.proxyListenLine = reader.lineOf("listen");
                    }
                });
    }

    private void strategy(MappingReader reader, ServiceDraft draft) {
        reader.parsed("strategy", "stop-first or start-first", StrategyBinder::parse)
                .ifPresent(s -> draft.strategy = s);
        if (reader.has("proxy") && draft.strategy != ServiceConfig.Strategy.START_FIRST) {
            problems.add(
                    reader.lineOf("proxy"),
                    reader.pathOf("proxy"),
                    "a port owned by the agent only serves to "
                            + "switch clients to a new container started next to the old one; expected strategy: start-first");
        }
        if (reader.has("traffic") && draft.strategy != ServiceConfig.Strategy.START_FIRST) {
            problems.add(
                    reader.lineOf("traffic"),
                    reader.pathOf("traffic"),
                    "a reverse proxy is switched to a new container started next to the old one; expected strategy: "
                            + "start-first");
        }
        if (reader.has("traffic") && reader.has("proxy")) {
            problems.add(
                    reader.lineOf("proxy"),
                    reader.pathOf("proxy"),
                    "the agent's own port and a reverse proxy ('traffic') cannot both switch this service; expected "
                            + "one of them (the reverse proxy keeps serving while the agent is down)");
        }
        if (draft.strategy != ServiceConfig.Strategy.START_FIRST || draft.source != ServiceConfig.Source.SPEC) {
            return; // a followed container's ports and aliases are known from the container, at the deploy
        }
        // Old and new run side by side for a moment: they cannot both publish a host port, and without an alias on
        // a network of the service's own or a port the agent owns there is nothing to switch over.
        if (reader.has("proxy") || reader.has("traffic")) {
            draft.proxy
                    .map(TrafficConfig.class::cast)
                    .or(() -> draft.traffic)
                    .ifPresent(proxy -> refusePortsBehindProxy(reader, draft, proxy));
            return;
        }
        if (reader.has("ports")) {
            problems.add(
                    reader.lineOf("strategy"),
                    reader.pathOf("strategy"),
                    "'start-first' cannot be used with "
                            + "published ports (two containers cannot publish the same host port); expected no 'ports', a "
                            + "'proxy' port owned by the agent, or strategy: stop-first");
        }
        boolean userNetwork = draft.network
                .filter(n -> !ContainerSettingsBinder.BUILT_IN_NETWORKS.contains(n))
                .isPresent();
        if (!userNetwork || draft.networkAliases.isEmpty()) {
            problems.add(
                    reader.lineOf("strategy"),
                    reader.pathOf("strategy"),
                    "'start-first' needs a user-defined "
                            + "'network' and 'network_aliases', or a 'proxy' port owned by the agent, to switch clients over; "
                            + "expected e.g. network: survey and network_aliases: [web], or proxy: {listen: \"0.0.0.0:8080\", "
                            + "container_port: 8080}");
        }
    }

    /** Behind the agent's port every published host port is one too many: old and new run at once. */
    private void refusePortsBehindProxy(MappingReader reader, ServiceDraft draft, TrafficConfig proxy) {
        for (int i = 0; i < draft.ports.size(); i++) {
            ServiceDraft.Located<PortMapping> port = draft.ports.get(i);
            String path = MappingReader.item(reader.pathOf("ports"), i);
            if (port.value().containerPort() == proxy.containerPort()) {
                problems.add(
                        port.line(),
                        path,
                        "container port " + proxy.containerPort() + " is published by the agent "
                                + (proxy instanceof ProxyConfig own
                                        ? "on " + own.listen() + " (proxy)"
                                        : "for " + proxy.describe())
                                + "; expected no 'ports' entry for it");
            } else {
                problems.add(
                        port.line(),
                        path,
                        "'" + PortMappings.describe(port.value()) + "' cannot be published by "
                                + "the old and the new container at once during a start-first switch; expected no 'ports' "
                                + (proxy instanceof ProxyConfig
                                        ? "(the agent's proxy publishes container port " + proxy.containerPort() + ")"
                                        : "(the agent publishes container port " + proxy.containerPort() + " for "
                                                + proxy.describe() + ")"));
            }
        }
    }

    private static int perClient(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= ProxyConfig.MAX_CONNECTIONS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a connection count; expected a number 1-" + ProxyConfig.MAX_CONNECTIONS);
    }

    private static ServiceConfig.Strategy parse(String text) {
        return switch (text) {
            case "stop-first" -> ServiceConfig.Strategy.STOP_FIRST;
            case "start-first" -> ServiceConfig.Strategy.START_FIRST;
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' is not a strategy; expected stop-first or start-first");
        };
    }
}
