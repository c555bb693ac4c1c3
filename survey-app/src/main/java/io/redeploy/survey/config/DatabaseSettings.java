package io.redeploy.survey.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the PostgreSQL database is: from {@code DATABASE_URL} ({@code postgres://user:pass@host:5432/db}
 * or {@code jdbc:postgresql://host:5432/db}) or from {@code DB_HOST}, {@code DB_PORT}, {@code DB_NAME},
 * {@code DB_USER}, {@code DB_PASSWORD}. Explicit {@code DB_USER}/{@code DB_PASSWORD} override the URL's.
 */
public record DatabaseSettings(String jdbcUrl, String user, String password) {

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****]";
    }

    public static DatabaseSettings fromEnv(Map<String, String> env) {
        String url = blankToNull(env.get("DATABASE_URL"));
        String user = blankToNull(env.get("DB_USER"));
        String password = env.get("DB_PASSWORD");
        if (url != null) {
            DatabaseSettings parsed = parseUrl(url);
            return new DatabaseSettings(
                    parsed.jdbcUrl, user != null ? user : parsed.user, password != null ? password : parsed.password);
        }
        String host = blankToNull(env.get("DB_HOST"));
        if (host == null) {
            throw new ConfigException("set DATABASE_URL or DB_HOST (with DB_NAME, DB_USER, DB_PASSWORD)");
        }
        String port = env.getOrDefault("DB_PORT", "5432");
        requirePort("DB_PORT", port);
        String name = env.getOrDefault("DB_NAME", "survey");
        if (user == null) {
            throw new ConfigException("DB_USER is required when DB_HOST is set");
        }
        return new DatabaseSettings(
                "jdbc:postgresql://" + host + ":" + port + "/" + name, user, password == null ? "" : password);
    }

    private static DatabaseSettings parseUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseSettings(url, null, null);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("DATABASE_URL is not a valid URL");
        }
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw new ConfigException("DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql:");
        }
        if (uri.getHost() == null) {
            throw new ConfigException("DATABASE_URL has no host");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "/survey" : uri.getRawPath();
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        return new DatabaseSettings("jdbc:postgresql://" + uri.getHost() + ":" + port + path + query, user, password);
    }

    static void requirePort(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new ConfigException(name + " must be a port number (0-65535)");
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a port number (0-65535)");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
