package io.redeploy.agent.deploy;

/**
 * The names a container carries while a deploy is in progress: how a crashed deploy is recognised.
 * Stop-first puts the old container aside; start-first starts the new one under a temporary name.
 */
public final class ContainerNames {
    public static final String ASIDE_SUFFIX = ".redeploy-old";
    public static final String STARTING_SUFFIX = ".redeploy-new";

    private ContainerNames() {}

    public static String aside(String containerName) {
        return containerName + ASIDE_SUFFIX;
    }

    /** The new container of a start-first deploy, until it has taken over the service's aliases and name. */
    public static String starting(String containerName) {
        return containerName + STARTING_SUFFIX;
    }
}
