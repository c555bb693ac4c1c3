package io.redeploy.agent.docker;

/**
 * A mount of a container to create: a named volume when {@code source} has no slash (created on first use, never
 * removed by the agent), else a host path.
 */
public record Mount(String source, String target, boolean readOnly) {}
