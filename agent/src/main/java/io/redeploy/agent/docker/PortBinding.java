package io.redeploy.agent.docker;

/**
 * A published port of a container to create: {@code hostIp:hostPort -> containerPort/protocol}; an empty
 * {@code hostIp} means every interface, a {@code hostPort} of 0 an ephemeral port the engine picks.
 */
public record PortBinding(String hostIp, int hostPort, int containerPort, String protocol) {
    public PortBinding {
        hostIp = hostIp == null ? "" : hostIp;
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol;
    }
}
