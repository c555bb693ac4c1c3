package io.redeploy.agent.traffic.caddy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one route of Caddy's config that the agent owns for a service: {@code "@id": "redeploy-<service>"}, at the
 * front of the routes of the HTTP server named {@code server}, matching the service's host names, handled by a
 * terminal {@code reverse_proxy}.
 *
 * <p>The proxy's upstreams are the current target first and, after a switch, the previous one second, with the
 * {@code first} selection policy: every new request goes to the first upstream (no health checks are configured, so
 * Caddy always considers it available), and the previous one only stays listed so that Caddy keeps counting its
 * running requests in {@code /reverse_proxy/upstreams}. Caddy drops the count of an upstream the moment no config
 * lists it, while the requests themselves still run; draining could not be observed otherwise.
 *
 * @param service the service's name, part of the route's {@code @id} (letters, digits, {@code . _ -})
 * @param server  the key of the server in {@code apps.http.servers} (for a Caddyfile: {@code srv0}, ...)
 * @param hosts   the host names the route matches (Caddy gets certificates for them on an HTTPS server)
 */
public record CaddyRoute(String service, String server, List<String> hosts) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern HOST = Pattern.compile("[^\\s/]+");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public CaddyRoute {
        if (service == null || !NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("invalid service name for a Caddy route: '" + service + "'");
        }
        if (server == null || !NAME.matcher(server).matches()) {
            throw new IllegalArgumentException(
                    "invalid Caddy server name for service " + service + ": '" + server + "'");
        }
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException(
                    "service " + service + " needs at least one host name for its Caddy route");
        }
        for (String host : hosts) {
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("invalid host name for service " + service + ": '" + host + "'");
            }
        }
        hosts = List.copyOf(hosts);
    }

    /** The route's {@code @id}, the key of Caddy's {@code /id/} endpoints. */
    public String id() {
        return "redeploy-" + service;
    }

    /** The whole route, sending new requests to the first of {@code upstreams}. */
    public ObjectNode json(List<UpstreamTarget> upstreams) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("route " + id() + " needs an upstream");
        }
        ArrayNode dials = NODES.arrayNode();
        upstreams.forEach(u -> dials.addObject().put("dial", u.dial()));
        ObjectNode proxy = NODES.objectNode().put("handler", "reverse_proxy");
        proxy.set("upstreams", dials);
        proxy.putObject("load_balancing").putObject("selection_policy").put("policy", "first");
        ObjectNode route = NODES.objectNode().put("@id", id());
        ArrayNode hostNames = route.putArray("match").addObject().putArray("host");
        hosts.forEach(hostNames::add);
        route.putArray("handle").add(proxy);
        route.put("terminal", true);
        return route;
    }

    /** The dial addresses of the route's first {@code reverse_proxy} handler, in order; empty when it has none. */
    public static List<String> dials(JsonNode route) {
        List<String> dials = new ArrayList<>();
        for (JsonNode handler : route.path("handle")) {
            if ("reverse_proxy".equals(handler.path("handler").asText())) {
                handler.path("upstreams").forEach(u -> dials.add(u.path("dial").asText()));
                break;
            }
        }
        return dials;
    }
}
