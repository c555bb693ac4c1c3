package io.redeploy.agent.traffic;

import java.net.InetSocketAddress;

/**
 * Where a forwarder sends new connections: one container's address as the agent reaches it.
 *
 * @param container the container's short id: two containers may get the same ephemeral port one after the other,
 *                  and connections are counted per target
 */
public record ForwardTarget(String container, String host, int port) {
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** {@code host:port}, as logged. */
    public String endpoint() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
