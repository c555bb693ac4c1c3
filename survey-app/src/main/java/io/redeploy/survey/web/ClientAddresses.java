package io.redeploy.survey.web;

import io.javalin.http.Context;
import io.redeploy.survey.config.IpRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Who is calling, for the limits per address. The TCP peer, unless it is a trusted reverse proxy: then the
 * X-Forwarded-For chain is read from the right, skipping trusted hops, and the first untrusted address is the
 * client (entries left of it may be forged by the client and are ignored). IPv6 clients are keyed by their /64,
 * the block one subscriber usually gets, so that cycling through one's own addresses does not escape the limits.
 */
public final class ClientAddresses {
    private final List<IpRange> trustedProxies;

    public ClientAddresses(List<IpRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public String key(Context ctx) {
        return key(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    }

    /** The limit key for a request from {@code peer} carrying these X-Forwarded-For headers (in order). */
    String key(String peer, List<String> forwardedFor) {
        InetAddress client = IpRange.literal(peer);
        if (client == null) {
            return peer == null ? "unknown" : peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
            InetAddress hop = IpRange.literal(hops.get(i));
            if (hop == null) {
                break; // garbage in the chain: the last trusted hop is as far as we can tell
            }
            client = hop;
        }
        return limitKey(client);
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(range -> range.contains(address));
    }

    private static String limitKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                key.append(String.format("%x:", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
            }
            return key.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
