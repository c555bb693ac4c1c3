package io.redeploy.agent.traffic.caddy;

import io.redeploy.agent.traffic.TrafficSwitchException;
import java.util.OptionalInt;

/**
 * A call to Caddy's admin API failed: unreachable, timed out, or refused (Caddy answers 4xx/5xx with its reason; a
 * refused config change leaves Caddy on its previous config). The message names the admin URL, the call and the
 * route.
 */
public final class CaddyAdminException extends TrafficSwitchException {
    private final int status;

    CaddyAdminException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Caddy's HTTP status; empty when Caddy gave no answer (unreachable, timeout, unreadable answer). */
    public OptionalInt status() {
        return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
    }
}
