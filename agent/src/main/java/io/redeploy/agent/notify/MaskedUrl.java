package io.redeploy.agent.notify;

import java.net.URI;

/**
 * A URL as it may be logged: scheme, host, port and the first path segment when it is a plain word
 * ({@code services}, {@code hooks}); every later segment, the query and any user info are replaced, because
 * incoming-webhook URLs carry their token there ({@code https://hooks.slack.com/services/****}).
 */
public final class MaskedUrl {
    private MaskedUrl() {}

    public static String of(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "****";
        }
        if (uri.getHost() == null) {
            return "****";
        }
        StringBuilder shown = new StringBuilder(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            shown.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String[] segments = path.split("/");
        boolean hidden = false;
        if (segments.length > 1) {
            if (segments[1].matches("[a-zA-Z_-]{1,20}")) {
                shown.append('/').append(segments[1]);
                hidden = segments.length > 2;
            } else {
                hidden = true;
            }
        }
        hidden |= uri.getRawQuery() != null || uri.getRawUserInfo() != null;
        return hidden ? shown.append("/****").toString() : shown.toString();
    }
}
