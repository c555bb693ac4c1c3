package io.redeploy.agent.config;

import java.time.Duration;

/**
 * The public port of a {@code strategy: start-first} service that the agent owns: the agent listens on
 * {@code listenHost:listenPort} and forwards each connection to the container that currently serves, which
 * publishes {@code containerPort} on an ephemeral loopback port, so the old and the new container can run side by
 * side during a switch.
 *
 * @param drain how long connections still open on the old container may run on after the switch, before it is stopped
 */
public record ProxyConfig(String listenHost, int listenPort, int containerPort, Duration drain)
        implements TrafficConfig {
    public static final Duration DEFAULT_DRAIN = TrafficConfig.DEFAULT_DRAIN;

    public ProxyConfig {
        drain = drain == null ? DEFAULT_DRAIN : drain;
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
