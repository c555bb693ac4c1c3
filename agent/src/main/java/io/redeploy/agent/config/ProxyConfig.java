package io.redeploy.agent.config;

import java.time.Duration;

/**
 * The public port of a {@code strategy: start-first} service that the agent owns: the agent listens on
 * {@code listenHost:listenPort} and forwards each connection to the container that currently serves, which
 * publishes {@code containerPort} on an ephemeral loopback port, so the old and the new container can run side by
 * side during a switch.
 *
 * @param drain                   how long connections still open on the old container may run on after the switch,
 *                                before it is stopped
 * @param idleTimeout             a connection with no byte in either direction for this long is closed
 * @param maxConnectionsPerClient open connections one client address may hold; more are closed at once
 */
public record ProxyConfig(
        String listenHost,
        int listenPort,
        int containerPort,
        Duration drain,
        Duration idleTimeout,
        int maxConnectionsPerClient)
        implements TrafficConfig {
    public static final Duration DEFAULT_DRAIN = TrafficConfig.DEFAULT_DRAIN;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;
    /** The forwarder's cap in all (its buffers must fit the agent's heap): no client address may be given more. */
    public static final int MAX_CONNECTIONS = 512;

    public ProxyConfig {
        drain = drain == null ? DEFAULT_DRAIN : drain;
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        maxConnectionsPerClient =
                maxConnectionsPerClient <= 0 ? DEFAULT_MAX_CONNECTIONS_PER_CLIENT : maxConnectionsPerClient;
    }

    /** With the default idle timeout and per-client cap. */
    public ProxyConfig(String listenHost, int listenPort, int containerPort, Duration drain) {
        this(listenHost, listenPort, containerPort, drain, null, 0);
    }

    /** {@code host:port}, IPv6 hosts in brackets. */
    public String listen() {
        return (listenHost.contains(":") ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
    }

    @Override
    public String describe() {
        return listen();
    }
}
