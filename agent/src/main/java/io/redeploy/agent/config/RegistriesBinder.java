package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code registries:} and applies the per-host environment overrides
 * {@code REDEPLOY_REGISTRY_<HOST>_USERNAME} / {@code _PASSWORD}, which also work for a registry that is only
 * named in an image (so credentials can come from the environment alone).
 */
final class RegistriesBinder {
    static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("username"));
        keys.addAll(SecretResolver.keysFor("password"));
        keys.add("insecure");
        keys.add("token_hosts");
        keys.add("insecure_acknowledged");
        KEYS = List.copyOf(keys);
    }

    private final SecretResolver secrets;
    private final Problems problems;

    RegistriesBinder(SecretResolver secrets, Problems problems) {
        this.secrets = secrets;
        this.problems = problems;
    }

    /** The override variable for {@code host}: ghcr.io -> REDEPLOY_REGISTRY_GHCR_IO_PASSWORD. */
    static String overrideVariable(String host, String what) {
        return "REDEPLOY_REGISTRY_" + host.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_" + what;
    }

    /**
     * @param imageHosts the registry of every service image
     * @param imageHostsComplete false when some image could not be read; unused registries are then not reported,
     *        since the unreadable image may be the one that uses it
     */
    Map<String, RegistryConfig> bind(
            Optional<YamlNode.Mapping> registries, Collection<String> imageHosts, boolean imageHostsComplete) {
        Map<String, RegistryConfig> result = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        registries.ifPresent(mapping -> mapping.entries().values().forEach(entry -> {
            String host = entry.key().toLowerCase(Locale.ROOT);
            Optional<HostPort> parsed = HostPort.parse(host);
            if (parsed.isEmpty()) {
                problems.add(
                        entry.keyLine(),
                        "registries",
                        "'" + entry.key() + "' is not a registry host; expected "
                                + "host[:port] as written in image names, e.g. ghcr.io or 127.0.0.1:5000");
                return;
            }
            Integer firstLine = keyLines.putIfAbsent(host, entry.keyLine());
            if (firstLine != null) {
                problems.add(
                        entry.keyLine(),
                        "registries",
                        "'" + entry.key() + "' is the same host as the key at line " + firstLine
                                + "; expected each registry once");
                return;
            }
            if (imageHostsComplete && !imageHosts.isEmpty() && !imageHosts.contains(host)) {
                unused(entry, host, imageHosts);
            }
            String path = MappingReader.child("registries", entry.key());
            MappingReader.of(
                            entry.value(),
                            path,
                            problems,
                            "a mapping such as {username: bot, password_env: TOKEN}",
                            KEYS)
                    .ifPresent(reader -> bindOne(host, reader).ifPresent(r -> result.put(host, r)));
        }));
        for (String host : imageHosts) {
            if (keyLines.containsKey(host)) {
                continue;
            }
            credentials(
                            host,
                            Optional.empty(),
                            Optional.empty(),
                            false,
                            Problems.NO_LINE,
                            MappingReader.child("registries", host))
                    .filter(r -> r.hasCredentials() || isLoopback(host))
                    // Like Docker: a registry on the loopback interface is spoken to over plain HTTP.
                    .ifPresent(r ->
                            result.put(host, new RegistryConfig(host, isLoopback(host), r.username(), r.password())));
        }
        return result;
    }

    /** Credentials for a registry no image uses are never sent: usually a typo such as ghcr.com. */
    private void unused(YamlNode.Entry entry, String host, Collection<String> imageHosts) {
        String hint;
        if (host.endsWith(".docker.io") || host.equals("docker.com") || host.equals("hub.docker.com")) {
            hint = "Docker Hub images use the key docker.io";
        } else {
            hint = KeySuggester.nearest(host, imageHosts)
                    .map(h -> "did you mean '" + h + "'?")
                    .orElse("expected the registry of a service image: " + String.join(", ", imageHosts));
        }
        problems.add(
                entry.keyLine(),
                MappingReader.child("registries", entry.key()),
                "no service image is on this registry; " + hint);
    }

    private Optional<RegistryConfig> bindOne(String host, MappingReader reader) {
        Optional<String> username = reader.string("username", "a user name");
        // The override wins outright, so the configured source is not even read (it may be absent on this host).
        boolean overridden = secrets.isSet(overrideVariable(host, "PASSWORD"));
        Optional<Secret> password =
                overridden ? Optional.empty() : secrets.resolve(reader, "password", "registry password");
        boolean passwordConfigured =
                !overridden && SecretResolver.keysFor("password").stream().anyMatch(reader::has);
        // Like Docker: a loopback registry speaks plain HTTP unless told otherwise.
        boolean insecure = reader.bool("insecure").orElse(isLoopback(host));
        if (insecure
                && !isLoopback(host)
                && !reader.bool("insecure_acknowledged").orElse(false)) {
            problems.add(
                    reader.lineOf("insecure"),
                    reader.pathOf("insecure"),
                    "plain HTTP to a registry off loopback lets anyone on the path read its credentials and swap "
                            + "the manifests' digests; expected HTTPS, or insecure_acknowledged: true next to it");
        }
        List<String> tokenHosts = tokenHosts(reader);
        return credentials(host, username, password, passwordConfigured, reader.line(), reader.path())
                .map(c -> new RegistryConfig(host, insecure, c.username(), c.password(), tokenHosts));
    }

    /** Hosts whose token realm may receive this registry's credentials, besides the registry's own. */
    private static List<String> tokenHosts(MappingReader reader) {
        List<String> hosts = new ArrayList<>();
        reader.forEachItem(
                "token_hosts",
                "a list of host names such as [auth.example.com]",
                (node, path) -> MappingReader.asText(
                                node, path, reader.problems(), "a host name such as auth.example.com")
                        .ifPresent(text -> {
                            if (HostPort.parse(text.toLowerCase(Locale.ROOT)).isEmpty()) {
                                reader.problems()
                                        .add(
                                                node.line(),
                                                path,
                                                "'" + text + "' is not a host name; expected e.g. auth.example.com");
                            } else {
                                hosts.add(text.toLowerCase(Locale.ROOT));
                            }
                        }));
        return hosts;
    }

    /**
     * Applies the overrides and checks that a username and a password come together.
     * {@code passwordConfigured} with no password means its problem is already recorded: do not add a second.
     */
    private Optional<RegistryConfig> credentials(
            String host,
            Optional<String> username,
            Optional<Secret> password,
            boolean passwordConfigured,
            int line,
            String path) {
        String usernameVariable = overrideVariable(host, "USERNAME");
        String passwordVariable = overrideVariable(host, "PASSWORD");
        Optional<String> usernameOverride = secrets.override(usernameVariable, line, path, problems);
        Optional<String> passwordOverride = secrets.override(passwordVariable, line, path, problems);
        Optional<String> user = usernameOverride.isPresent() ? usernameOverride : username;
        Optional<Secret> secret = passwordOverride.isPresent() ? passwordOverride.map(Secret::new) : password;
        if (secret.isEmpty() && passwordConfigured) {
            return Optional.empty();
        }
        if (user.isPresent() != secret.isPresent()) {
            problems.add(
                    line,
                    path,
                    (user.isPresent() ? "a username is set but no password" : "a password is set " + "but no username")
                            + "; expected both (username with password_env or password_file, or "
                            + usernameVariable + " with " + passwordVariable + ") or neither");
            return Optional.empty();
        }
        return Optional.of(new RegistryConfig(host, false, user, secret));
    }

    private static boolean isLoopback(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":")[0];
        return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
    }
}
