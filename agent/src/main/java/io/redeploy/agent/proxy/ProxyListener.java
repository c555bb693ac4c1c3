package io.redeploy.agent.proxy;

/** What a forwarder reports per connection, for metrics (never for logs: one line per connection is noise). */
public interface ProxyListener {
    ProxyListener NONE = new ProxyListener() {};

    /** A client connection is being forwarded. */
    default void opened(String service) {}

    /** A forwarded connection ended, after {@code toTarget} bytes client to container and {@code toClient} back. */
    default void closed(String service, long toTarget, long toClient) {}

    /** A client connection was closed without being forwarded: no target, the target refused, too many connections. */
    default void rejected(String service, String reason) {}
}
