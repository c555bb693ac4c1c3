package io.redeploy.agent.config;

import java.util.Optional;

/** Parses Docker's {@code [host_ip:]host_port:container_port[/tcp|udp]} publishing syntax. */
final class PortMappings {
    static final String EXPECTED = "expected [host_ip:]host_port:container_port[/tcp|udp]";

    private PortMappings() {}

    /** @throws IllegalArgumentException with a problem message naming the value and what is expected */
    static PortMapping parse(String text) {
        String spec = text;
        String protocol = "tcp";
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            protocol = spec.substring(slash + 1);
            spec = spec.substring(0, slash);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new IllegalArgumentException(
                        "'" + text + "' has protocol '" + protocol + "'; expected tcp or udp");
            }
        }
        String hostIp = "";
        if (spec.startsWith("[")) {
            int close = spec.indexOf("]:");
            if (close < 0) {
                throw notAMapping(text);
            }
            hostIp = spec.substring(1, close);
            spec = spec.substring(close + 2);
            if (!HostPort.isIpv6(hostIp)) {
                throw badHostIp(text, "[" + hostIp + "]");
            }
        }
        String[] parts = spec.split(":", -1);
        if (parts.length == 3 && hostIp.isEmpty()) {
            hostIp = parts[0];
            if (!HostPort.isIpv4(hostIp)) {
                throw badHostIp(text, hostIp);
            }
            parts = new String[] {parts[1], parts[2]};
        }
        if (parts.length == 1 && parts[0].matches("\\d+")) {
            throw new IllegalArgumentException("'" + text + "' has no host port (the agent never publishes to a "
                    + "random port); " + EXPECTED + ", e.g. " + parts[0] + ":" + parts[0]);
        }
        if (parts.length != 2) {
            throw notAMapping(text);
        }
        int hostPort = port(text, parts[0]);
        int containerPort = port(text, parts[1]);
        return new PortMapping(hostIp, hostPort, containerPort, protocol);
    }

    /** Two mappings clash when they publish the same host port and protocol on overlapping addresses. */
    static boolean clash(PortMapping a, PortMapping b) {
        return a.hostPort() == b.hostPort()
                && a.protocol().equals(b.protocol())
                && (a.hostIp().equals(b.hostIp()) || isWildcard(a.hostIp()) || isWildcard(b.hostIp()));
    }

    static String describe(PortMapping p) {
        String host =
                p.hostIp().isEmpty() ? "" : (p.hostIp().contains(":") ? "[" + p.hostIp() + "]:" : p.hostIp() + ":");
        return host + p.hostPort() + "/" + p.protocol();
    }

    private static boolean isWildcard(String hostIp) {
        return hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::");
    }

    private static int port(String text, String part) {
        if (!part.matches("\\d+")) {
            throw notAMapping(text);
        }
        Optional<Integer> port = HostPort.parsePort(part);
        return port.orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' has port " + part + " out of range; expected 1-65535"));
    }

    private static IllegalArgumentException notAMapping(String text) {
        return new IllegalArgumentException("'" + text + "' is not a port mapping; " + EXPECTED);
    }

    private static IllegalArgumentException badHostIp(String text, String hostIp) {
        return new IllegalArgumentException("'" + text + "' has host IP '" + hostIp
                + "' which is not an IP address; expected an IPv4 address or a bracketed IPv6 address such as [::1]");
    }
}
