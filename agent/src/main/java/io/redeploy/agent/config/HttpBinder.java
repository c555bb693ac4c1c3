package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Binds {@code http:}: the listen address, the trigger and read tokens, the host names the endpoint answers to,
 * and the approve links' key and base URL. */
final class HttpBinder {
    /** 32 characters: 128 bits as hex, what {@code openssl rand -hex 16} prints; we suggest 32 bytes. */
    static final int MINIMUM_TOKEN = 32;

    static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("listen", "allowed_hosts"));
        keys.addAll(SecretResolver.keysFor("trigger_token"));
        keys.addAll(SecretResolver.keysFor("read_token"));
        keys.addAll(SecretResolver.keysFor("approval_key"));
        keys.add("public_url");
        KEYS = List.copyOf(keys);
    }

    private final SecretResolver secrets;
    private final Problems problems;

    HttpBinder(SecretResolver secrets, Problems problems) {
        this.secrets = secrets;
        this.problems = problems;
    }

    Optional<HttpConfig> bind(MappingReader reader) {
        Optional<HostPort> listen = reader.parsed("listen", "host:port", HostPort::listen);
        Optional<Secret> trigger = secrets.resolve(reader, "trigger_token", "trigger token")
                .filter(t -> longEnough(t, reader, "trigger_token", "trigger token"));
        boolean readConfigured = SecretResolver.keysFor("read_token").stream().anyMatch(reader::has);
        Optional<Secret> read = secrets.resolve(reader, "read_token", "read token")
                .filter(t -> longEnough(t, reader, "read_token", "read token"));
        List<String> allowedHosts = allowedHosts(reader);
        // Signs approve links: as long as the tokens, for the same reason (it can be guessed offline otherwise).
        Optional<Secret> approvalKey = secrets.resolve(reader, "approval_key", "approval key")
                .filter(k -> longEnough(k, reader, "approval_key", "approval key"));
        Optional<String> publicUrl = reader.parsed("public_url", "an http(s) URL", HttpBinder::publicUrl);
        if (reader.has("listen") && listen.isEmpty()) {
            return Optional.empty();
        }
        String host = listen.map(HostPort::host).orElse(HttpConfig.DEFAULT_HOST);
        int port = listen.map(l -> l.port().orElseThrow()).orElse(HttpConfig.DEFAULT_PORT);
        if (!HttpConfig.isLoopback(host) && read.isEmpty() && !readConfigured) {
            // Off loopback, /status, /metrics and the history would answer anyone who reaches the port.
            problems.add(
                    reader.lineOf("listen"),
                    reader.pathOf("listen"),
                    "listening on " + host + ":" + port + " (off loopback) needs a read token: anyone who reaches the "
                            + "port could read /status, /metrics and the history; expected http.read_token_env: "
                            + "VARIABLE (or read_token_file) with at least " + MINIMUM_TOKEN
                            + " random characters, e.g. from: openssl rand -hex 32, or a loopback listen address");
        }
        return Optional.of(new HttpConfig(host, port, trigger, read, allowedHosts, approvalKey, publicUrl));
    }

    private static String publicUrl(String text) {
        if (!text.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a base URL; expected e.g. https://deploy.example.com");
        }
        return text;
    }

    /** A short token can be guessed over the network; its length is said, never the token. */
    private boolean longEnough(Secret token, MappingReader reader, String key, String what) {
        int length = token.reveal().length();
        if (length >= MINIMUM_TOKEN) return true;
        String configured = reader.has(key + "_env") ? key + "_env" : key + "_file";
        problems.add(
                reader.lineOf(configured),
                reader.pathOf(configured),
                "the " + what + " has " + length + " characters; expected at least " + MINIMUM_TOKEN
                        + " random ones, e.g. from: openssl rand -hex 32");
        return false;
    }

    private static List<String> allowedHosts(MappingReader reader) {
        List<String> hosts = new ArrayList<>();
        reader.forEachItem(
                "allowed_hosts",
                "a list of host names such as [agent.example.com]",
                (node, path) -> MappingReader.asText(
                                node, path, reader.problems(), "a host name such as agent.example.com")
                        .ifPresent(text -> {
                            String host = text.toLowerCase(Locale.ROOT);
                            if (HostPort.parse(host).isEmpty()) {
                                reader.problems()
                                        .add(
                                                node.line(),
                                                path,
                                                "'" + text + "' is not a host name; expected name or name:port, "
                                                        + "e.g. agent.example.com");
                            } else {
                                hosts.add(host);
                            }
                        }));
        return hosts;
    }
}
