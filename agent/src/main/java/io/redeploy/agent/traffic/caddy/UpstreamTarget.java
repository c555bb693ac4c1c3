package io.redeploy.agent.traffic.caddy;

/**
 * One upstream a reverse proxy dials: a container's address on its bridge network and its port, as Caddy's
 * {@code dial} field spells it ({@code host:port}, an IPv6 host in brackets).
 */
public record UpstreamTarget(String host, int port) {
    public UpstreamTarget {
        if (host == null
                || host.isBlank()
                || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("invalid upstream host: '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid upstream port " + port + " for host " + host);
        }
    }

    /** {@code host:port}, with an IPv6 host in brackets: Caddy's dial address and the key of its upstream counts. */
    public String dial() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The reverse of {@link #dial()}; throws {@link IllegalArgumentException} on anything else. */
    public static UpstreamTarget parse(String dial) {
        int colon = dial == null ? -1 : dial.lastIndexOf(':');
        if (colon <= 0 || colon == dial.length() - 1) {
            throw new IllegalArgumentException("not a host:port dial address: '" + dial + "'");
        }
        String host = dial.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new UpstreamTarget(host, Integer.parseInt(dial.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a host:port dial address: '" + dial + "'", e);
        }
    }

    @Override
    public String toString() {
        return dial();
    }
}
