package io.redeploy.agent.deploy;

/** The name an old container carries while its replacement is tried: how a crashed deploy is recognised. */
public final class ContainerNames {
    public static final String ASIDE_SUFFIX = ".redeploy-old";

    private ContainerNames() {}

    public static String aside(String containerName) {
        return containerName + ASIDE_SUFFIX;
    }
}
