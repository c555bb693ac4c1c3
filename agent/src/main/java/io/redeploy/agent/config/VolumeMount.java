package io.redeploy.agent.config;

/**
 * {@code source:target[:ro]}. A source without a slash is a named volume (kept across redeploys,
 * never removed by the agent); one starting with {@code /} is a host path bind mount.
 */
public record VolumeMount(String source, String target, boolean readOnly) {
    public boolean isNamedVolume() {
        return !source.startsWith("/");
    }
}
