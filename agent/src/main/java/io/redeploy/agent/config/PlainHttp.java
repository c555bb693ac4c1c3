package io.redeploy.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Tells a plain-HTTP (or plain-TCP) address that leaves the machine from one on loopback, where nothing is exposed. */
final class PlainHttp {
    private PlainHttp() {}

    /** {@code http://} to a host other than localhost, 127.x or [::1]. */
    static boolean offLoopback(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("http://")) return false;
        try {
            String host = new URI(url).getHost();
            return host == null || !isLoopback(host);
        } catch (URISyntaxException e) {
            return true;
        }
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }
}
