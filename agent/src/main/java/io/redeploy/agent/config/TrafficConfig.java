package io.redeploy.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a {@code strategy: start-first} service's traffic goes through, which a deploy switches to the new container
 * once it is healthy: the agent's own port ({@link ProxyConfig}, {@code proxy:}) or a reverse proxy that outlives the
 * agent ({@code traffic:}, {@link Caddy} or {@link Haproxy}). In every case the container publishes
 * {@link #containerPort()} on an ephemeral loopback port, so the old and the new container run side by side.
 */
public interface TrafficConfig {
    Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    /** The container port the traffic goes to. */
    int containerPort();

    /** How long requests still running on the old container may go on after the switch, before it is stopped. */
    Duration drain();

    /** Where the traffic comes in, as logged: {@code 0.0.0.0:8080}, {@code caddy http://127.0.0.1:2019}. */
    String describe();

    /**
     * A route of Caddy's config that the agent owns ({@code traffic.caddy}), changed through its admin API.
     *
     * @param server the key of the HTTP server in Caddy's {@code apps.http.servers} whose routes get the service's
     *               route ({@code srv0} for the first site of a Caddyfile)
     */
    record Caddy(URI admin, String server, List<String> hosts, int containerPort, Duration drain)
            implements TrafficConfig {
        public static final String DEFAULT_SERVER = "srv0";

        public Caddy {
            hosts = List.copyOf(hosts);
            drain = drain == null ? DEFAULT_DRAIN : drain;
        }

        @Override
        public String describe() {
            return "caddy " + admin;
        }
    }

    /**
     * A backend of HAProxy driven through its runtime API ({@code traffic.haproxy}): two server slots whose names
     * start with {@code server} (all of the backend's when empty) take turns.
     */
    record Haproxy(Path socket, String backend, String server, int containerPort, Duration drain)
            implements TrafficConfig {
        public Haproxy {
            server = server == null ? "" : server;
            drain = drain == null ? DEFAULT_DRAIN : drain;
        }

        @Override
        public String describe() {
            return "haproxy " + socket + " backend " + backend;
        }
    }
}
