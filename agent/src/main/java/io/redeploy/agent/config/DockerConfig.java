package io.redeploy.agent.config;

/** Where the Docker Engine API is: {@code unix:///var/run/docker.sock} unless {@code docker.host} or DOCKER_HOST says otherwise. */
public record DockerConfig(String host) {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
}
