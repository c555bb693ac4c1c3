package io.redeploy.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code traffic:}, the reverse proxy in front of a start-first service: exactly one of {@code caddy} (its admin
 * API) or {@code haproxy} (its runtime API). The checks that involve other keys ({@code strategy}, {@code proxy},
 * {@code ports}) are {@link StrategyBinder}'s.
 */
final class TrafficBinder {
    private static final List<String> KINDS = List.of("caddy", "haproxy");
    private static final List<String> CADDY_KEYS = List.of("admin", "server", "hosts", "container_port", "drain");
    private static final List<String> HAPROXY_KEYS = List.of("socket", "backend", "server", "container_port", "drain");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern HOST = Pattern.compile("[^\\s/]+");
    private static final String CADDY =
            "{admin: \"http://127.0.0.1:2019\", hosts: [app.example.com], container_port: 8080}";
    private static final String HAPROXY = "{socket: /run/haproxy/admin.sock, backend: be_web, container_port: 8080}";
    private static final String CADDY_EXAMPLE = "{caddy: " + CADDY + "}";
    private static final String HAPROXY_EXAMPLE = "{haproxy: " + HAPROXY + "}";

    private final Problems problems;

    TrafficBinder(Problems problems) {
        this.problems = problems;
    }

    void bind(MappingReader service, ServiceDraft draft) {
        service.reader("traffic", "a mapping such as " + CADDY_EXAMPLE, KINDS).ifPresent(traffic -> {
            List<String> given = KINDS.stream().filter(traffic::has).toList();
            if (given.size() != 1) {
                problems.add(
                        traffic.line(),
                        traffic.path(),
                        (given.isEmpty() ? "no reverse proxy given" : "both caddy and haproxy given")
                                + "; expected exactly one, e.g. " + CADDY_EXAMPLE + " or " + HAPROXY_EXAMPLE);
                return;
            }
            if (draft.network.filter(n -> n.equals("host") || n.equals("none")).isPresent()) {
                problems.add(
                        service.lineOf("traffic"),
                        service.pathOf("traffic"),
                        "the container's port cannot be published on network '" + draft.network.get()
                                + "'; expected no network, or a user-defined one");
            }
            Optional<TrafficConfig> config = given.get(0).equals("caddy")
                    ? traffic.reader("caddy", "a mapping such as " + CADDY, CADDY_KEYS)
                            .flatMap(this::caddy)
                    : traffic.reader("haproxy", "a mapping such as " + HAPROXY, HAPROXY_KEYS)
                            .flatMap(this::haproxy);
            draft.traffic = config;
        });
    }

    private Optional<TrafficConfig> caddy(MappingReader caddy) {
        required(caddy, List.of("admin", "hosts", "container_port"), CADDY_EXAMPLE);
        Optional<URI> admin = caddy.parsed("admin", "an http:// URL", TrafficBinder::adminUrl);
        Optional<String> server = caddy.parsed("server", "a Caddy server name", text -> name(text, "server"));
        List<String> hosts = new ArrayList<>();
        caddy.forEachItem(
                "hosts",
                "a list of host names, e.g. [app.example.com]",
                (item, path) -> MappingReader.parse(item, path, problems, "a host name", TrafficBinder::host)
                        .ifPresent(hosts::add));
        if (caddy.has("hosts") && hosts.isEmpty() && caddy.node("hosts").orElseThrow() instanceof YamlNode.Sequence) {
            problems.add(caddy.lineOf("hosts"), caddy.pathOf("hosts"), "no host name; expected at least one");
        }
        Optional<Integer> port = caddy.port("container_port");
        Optional<Duration> drain = caddy.duration("drain", Duration.ZERO);
        if (admin.isEmpty() || hosts.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TrafficConfig.Caddy(
                admin.get(),
                server.orElse(TrafficConfig.Caddy.DEFAULT_SERVER),
                hosts,
                port.get(),
                drain.orElse(TrafficConfig.DEFAULT_DRAIN)));
    }

    private Optional<TrafficConfig> haproxy(MappingReader haproxy) {
        required(haproxy, List.of("socket", "backend", "container_port"), HAPROXY_EXAMPLE);
        Optional<Path> socket = haproxy.parsed("socket", "an absolute path", TrafficBinder::socket);
        Optional<String> backend = haproxy.parsed("backend", "a backend name", text -> name(text, "backend"));
        Optional<String> server = haproxy.parsed("server", "a server name", text -> name(text, "server"));
        Optional<Integer> port = haproxy.port("container_port");
        Optional<Duration> drain = haproxy.duration("drain", Duration.ZERO);
        if (socket.isEmpty() || backend.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TrafficConfig.Haproxy(
                socket.get(), backend.get(), server.orElse(""), port.get(), drain.orElse(TrafficConfig.DEFAULT_DRAIN)));
    }

    private void required(MappingReader reader, List<String> keys, String example) {
        for (String key : keys) {
            if (!reader.has(key)) {
                problems.add(
                        reader.line(), reader.path(), "missing required key '" + key + "'; expected e.g. " + example);
            }
        }
    }

    private static URI adminUrl(String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                    || uri.getHost() == null
                    || uri.getUserInfo() != null
                    || uri.getQuery() != null
                    || !(uri.getPath() == null
                            || uri.getPath().isEmpty()
                            || uri.getPath().equals("/"))) {
                throw new URISyntaxException(text, "not a base URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not the URL of Caddy's admin API; expected e.g. http://127.0.0.1:2019");
        }
    }

    private static String host(String text) {
        if (!HOST.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a host name; expected e.g. app.example.com");
        }
        return text;
    }

    private static String name(String text, String what) {
        if (!NAME.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a " + what + " name; expected letters, digits, '.', '_' or '-'");
        }
        return text;
    }

    private static Path socket(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an absolute path; expected e.g. /run/haproxy/admin.sock");
        }
        return Path.of(text);
    }
}
