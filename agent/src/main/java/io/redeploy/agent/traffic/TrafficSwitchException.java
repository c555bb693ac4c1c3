package io.redeploy.agent.traffic;

/**
 * A reverse proxy in front of a service could not be asked or refused a change (Caddy's admin API unreachable or
 * answering an error, HAProxy's runtime socket missing or refusing a command). The message names the proxy, the call
 * and the service; the proxy keeps its previous config.
 */
public class TrafficSwitchException extends RuntimeException {
    public TrafficSwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
