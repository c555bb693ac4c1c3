package io.redeploy.agent.config;

/** Where the Docker Engine API is: {@code unix:///var/run/docker.sock} unless {@code docker.host} or DOCKER_HOST says otherwise. */
public record DockerConfig(String host) {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /** The engine to talk to: the configured host, else the default socket (a config built in code may give none). */
    public static String hostOf(DockerConfig config) {
        return config == null || config.host() == null || config.host().isBlank() ? DEFAULT_HOST : config.host();
    }
}
