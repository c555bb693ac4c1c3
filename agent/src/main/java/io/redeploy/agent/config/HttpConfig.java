package io.redeploy.agent.config;

import java.util.Optional;

/** The operator endpoint. Loopback by default; the trigger route is refused while no token is configured. */
public record HttpConfig(String host, int port, Optional<Secret> triggerToken) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8686;
}
