package io.redeploy.agent.proxy;

import io.redeploy.agent.config.ProxyConfig;
import java.time.Duration;

/**
 * What one forwarder allows, so that silent or greedy clients cannot take the port from everyone else (a client that
 * opens hundreds of connections and sends nothing would otherwise hold every slot forever).
 *
 * @param connectTimeout    how long a connection to the target may take before the client is closed
 * @param idleTimeout       a connection with no byte in either direction for this long is closed (a WebSocket
 *                          that must stay silent longer belongs behind a reverse proxy: {@code traffic:})
 * @param halfClosedTimeout once one side has ended its direction, how long the other may stay silent before both go
 * @param maxConnections    open connections in all; more are closed at once
 * @param maxPerClient      open connections from one client address; more from it are closed at once
 */
public record ForwarderLimits(
        Duration connectTimeout,
        Duration idleTimeout,
        Duration halfClosedTimeout,
        int maxConnections,
        int maxPerClient) {
    /** 512 connections x 2 x 8 KiB = 8 MiB of buffers at most: the agent runs in a 64 MiB heap. */
    public static final ForwarderLimits DEFAULTS = new ForwarderLimits(
            Duration.ofSeconds(5),
            ProxyConfig.DEFAULT_IDLE_TIMEOUT,
            Duration.ofSeconds(30),
            ProxyConfig.MAX_CONNECTIONS,
            ProxyConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT);

    public ForwarderLimits {
        if (maxConnections < 1 || maxPerClient < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
    }

    /** The limits a service's {@code proxy:} asks for. */
    public static ForwarderLimits of(ProxyConfig proxy, Duration connectTimeout) {
        return new ForwarderLimits(
                connectTimeout,
                proxy.idleTimeout(),
                DEFAULTS.halfClosedTimeout,
                DEFAULTS.maxConnections,
                proxy.maxConnectionsPerClient());
    }

    public ForwarderLimits withConnectTimeout(Duration timeout) {
        return new ForwarderLimits(timeout, idleTimeout, halfClosedTimeout, maxConnections, maxPerClient);
    }
}
