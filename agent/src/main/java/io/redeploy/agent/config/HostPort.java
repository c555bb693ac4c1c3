package io.redeploy.agent.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code host[:port]} with host a name, an IPv4 address or a bracketed IPv6 address; used for the HTTP
 * listen address and for registry keys. IPv6 hosts are kept without brackets.
 */
record HostPort(String host, Optional<Integer> port) {
    private static final Pattern HOSTNAME =
            Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");

    /** Parses the text, or returns empty when it is not {@code host[:port]} with a valid host and port. */
    /** A listen address, {@code host:port} with a port; {@code :8686} means every interface. */
    static HostPort listen(String text) {
        // ":8686" is Go's spelling of "all interfaces, port 8686"; accept it for familiarity.
        String spec = text.startsWith(":") ? "0.0.0.0" + text : text;
        return HostPort.parse(spec)
                .filter(hp -> hp.port().isPresent())
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + text + "' is not a listen address; expected host:port with a port "
                                + "1-65535, e.g. 127.0.0.1:8686, [::1]:8686 or 0.0.0.0:8686"));
    }

    static Optional<HostPort> parse(String text) {
        String host;
        String rest;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = text.substring(1, close);
            rest = text.substring(close + 1);
            if (!isIpv6(host)) {
                return Optional.empty();
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            rest = colon < 0 ? "" : text.substring(colon);
            if (!isHostname(host) && !isIpv4(host)) {
                return Optional.empty();
            }
        }
        if (rest.isEmpty()) {
            return Optional.of(new HostPort(host, Optional.empty()));
        }
        if (!rest.startsWith(":")) {
            return Optional.empty();
        }
        return parsePort(rest.substring(1)).map(port -> new HostPort(host, Optional.of(port)));
    }

    static Optional<Integer> parsePort(String text) {
        if (!text.matches("\\d{1,5}")) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    static boolean isIpv4(String text) {
        var m = IPV4.matcher(text);
        if (!m.matches()) {
            return false;
        }
        for (int group = 1; group <= 4; group++) {
            if (Integer.parseInt(m.group(group)) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String text) {
        return IPV6.matcher(text).matches() && text.length() >= 2;
    }

    static boolean isHostname(String text) {
        // An all-numeric dotted name is a mistyped IPv4 address, not a host name.
        return HOSTNAME.matcher(text).matches() && !text.matches("[\\d.]+");
    }
}
