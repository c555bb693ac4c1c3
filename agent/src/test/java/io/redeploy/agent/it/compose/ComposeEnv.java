package io.redeploy.agent.it.compose;

import io.redeploy.agent.it.LocalStack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .env} of a survey stack that cannot collide with the real one on the same engine: its own project name,
 * container, network and volume names derived from it and ports of its own, never the production names the compose
 * file defaults to (survey-db, survey-web, survey-caddy, survey, postgres_data, caddy_data) nor ports 80, 443, 2019.
 * Owns the variable values; {@link ComposeStack} writes them.
 *
 * @param project        COMPOSE_PROJECT_NAME, and the prefix of every name
 * @param webImage       SURVEY_WEB_IMAGE (e.g. 127.0.0.1:5000/survey/survey-app:main)
 * @param postgresImage  POSTGRES_IMAGE (e.g. 127.0.0.1:5000/survey/postgres:15)
 * @param caddy          Caddy's image, Caddyfile and ports
 * @param password       the database password (masked in every output {@link ComposeStack} returns)
 */
public record ComposeEnv(String project, String webImage, String postgresImage, Caddy caddy, String password) {
    /** Names the real stack uses: an isolated stack must use none of them. */
    static final Set<String> PRODUCTION_NAMES =
            Set.of("survey", "survey-db", "survey-web", "survey-caddy", "postgres_data", "caddy_data");

    /** The site the test stack's Caddy serves, with {@code tls internal}: resolves to loopback everywhere. */
    public static final String SITE = "localhost";

    /**
     * Caddy in the stack: CADDY_IMAGE, SURVEY_CADDYFILE (absolute: the stack's directory holds only the compose file),
     * and the host ports of its HTTP and HTTPS servers (all interfaces, as in production) and of its admin API
     * (loopback).
     */
    public record Caddy(String image, Path caddyfile, int httpPort, int httpsPort, int adminPort) {
        public Caddy {
            if (!caddyfile.isAbsolute()) {
                throw new IllegalArgumentException("the Caddyfile must be an absolute path: " + caddyfile);
            }
        }

        /** What the agent's {@code traffic: caddy: admin} is set to. */
        public String adminUrl() {
            return "http://127.0.0.1:" + adminPort;
        }

        /** The site's URL for {@code path}, over HTTPS through Caddy. */
        public String siteUrl(String path) {
            return "https://" + SITE + ":" + httpsPort + path;
        }
    }

    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,40}");
    private static final Pattern INTERPOLATION = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    public ComposeEnv {
        if (!PROJECT.matcher(project).matches() || PRODUCTION_NAMES.contains(project)) {
            throw new IllegalArgumentException("not an isolated project name: " + project);
        }
        if (password.isBlank()) {
            throw new IllegalArgumentException("empty database password");
        }
    }

    /** A stack of its own: project {@code redeploy-it-<8 hex>}, a random password, free ports, the repository's Caddyfile. */
    public static ComposeEnv isolated(String webImage, String postgresImage, String caddyImage) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Caddy caddy = new Caddy(
                caddyImage,
                LocalStack.repoRoot().resolve("deploy/caddy/Caddyfile"),
                LocalStack.freePort(),
                LocalStack.freePort(),
                LocalStack.freePort());
        return new ComposeEnv("redeploy-it-" + run, webImage, postgresImage, caddy, "pw-" + UUID.randomUUID());
    }

    public String dbContainer() {
        return project + "-db";
    }

    public String webContainer() {
        return project + "-web";
    }

    public String caddyContainer() {
        return project + "-caddy";
    }

    public String caddyVolume() {
        return project + "-caddydata";
    }

    public String network() {
        return project + "-net";
    }

    public String volume() {
        return project + "-pgdata";
    }

    /** The same stack with another app image (as a new build would be deployed). */
    public ComposeEnv withWebImage(String image) {
        return new ComposeEnv(project, image, postgresImage, caddy, password);
    }

    /** Every variable docker-compose.yml and .env.example know, with this stack's values. */
    public Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("COMPOSE_PROJECT_NAME", project);
        v.put("POSTGRES_USER", "survey");
        v.put("POSTGRES_DB", "survey");
        v.put("POSTGRES_PASSWORD", password);
        v.put("SURVEY_ADMIN_EMAIL", "");
        v.put("SURVEY_ADMIN_PASSWORD", "");
        v.put("SURVEY_SIGNUP_OPEN", "false");
        v.put("COOKIE_SECURE", "false");
        v.put("SURVEY_WEB_IMAGE", webImage);
        v.put("POSTGRES_IMAGE", postgresImage);
        // Never used by `up` (the app image is pulled), set so that nothing falls back to Docker Hub names.
        v.put("BUILD_IMAGE", "survey-local/maven:17");
        v.put("RUNTIME_IMAGE", "survey-local/jre:17");
        v.put("SURVEY_SITE_ADDRESS", SITE);
        v.put("SURVEY_TLS", "internal");
        v.put("SURVEY_HTTP_PORT", Integer.toString(caddy.httpPort()));
        v.put("SURVEY_HTTPS_PORT", Integer.toString(caddy.httpsPort()));
        v.put("CADDY_ADMIN_PORT", Integer.toString(caddy.adminPort()));
        v.put("CADDY_IMAGE", caddy.image());
        v.put("SURVEY_CADDYFILE", caddy.caddyfile().toString());
        v.put("SURVEY_DB_CONTAINER", dbContainer());
        v.put("SURVEY_WEB_CONTAINER", webContainer());
        v.put("SURVEY_CADDY_CONTAINER", caddyContainer());
        v.put("SURVEY_NETWORK", network());
        v.put("POSTGRES_VOLUME", volume());
        v.put("CADDY_DATA_VOLUME", caddyVolume());
        return v;
    }

    /** The .env file: one NAME=value a line (compose v1 and v2 read values literally, no quotes needed). */
    public String render() {
        StringBuilder out = new StringBuilder("# generated by ComposeStack for an isolated test stack\n");
        variables().forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    /**
     * Variables the compose file interpolates that this .env does not set: compose would fall back to the defaults,
     * the real stack's names. {@code $${...}} (escaped, the container's own variable) is not interpolation.
     */
    public Set<String> unsetVariablesOf(String composeFile) {
        Set<String> unset = new LinkedHashSet<>();
        Matcher m = INTERPOLATION.matcher(composeFile);
        while (m.find()) {
            if (!variables().containsKey(m.group(1))) {
                unset.add(m.group(1));
            }
        }
        return unset;
    }
}
