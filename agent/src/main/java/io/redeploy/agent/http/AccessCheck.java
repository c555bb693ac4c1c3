package io.redeploy.agent.http;

import com.sun.net.httpserver.Headers;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.log.Event;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes before its route (issue 16 item 3). First the {@code Host} header: a page on
 * {@code evil.example} whose name an attacker re-points at this machine (DNS rebinding) makes the victim's browser send
 * {@code Host: evil.example}, so only the listen address, loopback names (when listening on loopback or every
 * interface), IP literals (when listening on every interface: an address is no name an attacker controls), on any
 * port, and {@code http.allowed_hosts} are answered; anything else gets 421. Then, on the read routes, the read token when one is
 * configured: {@code Authorization: Bearer <token>}, or Basic with the token as the password (what a browser asks for
 * on the status page); the trigger token reads too. {@code /healthz} passes both: systemd and monitors probe it by
 * whatever name they know, and it tells nothing a secret lives in.
 */
final class AccessCheck {
    static final Set<String> READ_PATHS = Set.of("/", "/status", "/metrics", "/v1/history");
    static final String OPEN_PATH = "/healthz";

    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final String listenHost;
    private final boolean loopback;
    private final boolean everyInterface;
    private final List<String> allowedHosts;
    private final List<TokenGuard> readers;

    AccessCheck(HttpConfig cfg, InetAddress bound) {
        this.listenHost = unbracket(cfg.host().toLowerCase(Locale.ROOT));
        this.loopback = bound.isLoopbackAddress();
        this.everyInterface = bound.isAnyLocalAddress();
        this.allowedHosts = cfg.allowedHosts();
        // With no read token, reads stay open (loopback only: the config refuses it elsewhere).
        this.readers = cfg.readToken().isEmpty()
                ? List.of()
                : java.util.stream.Stream.of(cfg.readToken(), cfg.triggerToken())
                        .flatMap(Optional::stream)
                        .map(TokenGuard::new)
                        .toList();
    }

    /** Refuses a foreign {@code Host} on any path but {@code /healthz}; on a read route, a missing read token. */
    void check(String path, Headers headers, String remote) throws HttpProblem {
        if (path.equals(OPEN_PATH)) {
            return;
        }
        Request request = new Request("", QueryParams.parse(null, Set.of()), headers, remote);
        Optional<String> host = request.header("Host");
        if (host.isPresent() && !hostAllowed(host.get().strip().toLowerCase(Locale.ROOT))) {
            refuse(path, request, "host_not_allowed");
            throw new HttpProblem(
                    421,
                    "misdirected_request",
                    "this agent does not answer to that Host name; add it to http.allowed_hosts if it is yours");
        }
        if (!readers.isEmpty() && READ_PATHS.contains(path) && !reader(request)) {
            refuse(path, request, request.header("Authorization").isPresent() ? "mismatch" : "missing");
            throw new HttpProblem(
                    401,
                    "unauthorized",
                    "reads need the read token: 'Authorization: Bearer <token>' (or Basic with it as the password)",
                    Map.of("WWW-Authenticate", "Basic realm=\"redeploy-agent\", charset=\"UTF-8\""));
        }
    }

    private boolean reader(Request request) {
        Optional<String> presented = request.header("Authorization").flatMap(AccessCheck::presentedToken);
        return presented.isPresent()
                && readers.stream()
                        .anyMatch(guard ->
                                guard.check(Optional.of("Bearer " + presented.get())) == TokenGuard.Verdict.ACCEPTED);
    }

    /** The token of {@code Bearer <token>}, or the password of {@code Basic base64(user:password)}. */
    private static Optional<String> presentedToken(String header) {
        String h = header.strip();
        int space = h.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = h.substring(0, space).toLowerCase(Locale.ROOT);
        String value = h.substring(space + 1).strip();
        if (scheme.equals("bearer")) {
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }
        if (!scheme.equals("basic")) {
            return Optional.empty();
        }
        try {
            String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 || colon == pair.length() - 1 ? Optional.empty() : Optional.of(pair.substring(colon + 1));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private boolean hostAllowed(String header) {
        String name;
        String portText;
        if (header.startsWith("[")) {
            int close = header.indexOf(']');
            if (close < 0) return false;
            name = header.substring(1, close);
            String rest = header.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) return false;
            portText = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = header.indexOf(':');
            if (colon != header.lastIndexOf(':')) return false;
            name = colon < 0 ? header : header.substring(0, colon);
            portText = colon < 0 ? "" : header.substring(colon + 1);
        }
        if (!portText.isEmpty() && !PORT.matcher(portText).matches()) return false;
        // The name is what a rebinding attacker controls, not the port: a port mapping or a TLS proxy in front may
        // change the port, so only an allowed_hosts entry written with a port pins one.
        if (allowedHosts.contains(name) || allowedHosts.contains(header)) {
            return true;
        }
        if (name.equals(listenHost)) return true;
        if ((loopback || everyInterface) && isLoopbackName(name)) return true;
        return everyInterface
                && (IPV4.matcher(name).matches()
                        || header.startsWith("[") && IPV6.matcher(name).matches());
    }

    private static boolean isLoopbackName(String name) {
        return name.equals("localhost")
                || name.equals("::1")
                || IPV4.matcher(name).matches() && name.startsWith("127.");
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void refuse(String path, Request request, String why) {
        // Any path reaches here, as the client wrote it: bounded, so refusals cannot flood the journal.
        Event.warn(log, "http.unauthorized")
                .with("path", path.length() > 120 ? path.substring(0, 120) + "..." : path)
                .with("remote", request.remote())
                .reason(why)
                .log();
    }
}
