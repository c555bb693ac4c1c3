package io.redeploy.agent.docker;

import java.util.Map;

/** The labels that mark a container as created by the agent: the agent never stops or removes anything else. */
public final class AgentLabels {
    public static final String MANAGED = "redeploy-agent.managed";
    public static final String SERVICE = "redeploy-agent.service";
    /** The registry digest the container was created from (a manifest or index digest, as deployed). */
    public static final String DIGEST = "redeploy-agent.digest";

    private AgentLabels() {}

    public static boolean isManaged(Map<String, String> labels) {
        return "true".equals(labels.get(MANAGED));
    }

    public static boolean isManagedFor(Map<String, String> labels, String service) {
        return isManaged(labels) && service.equals(labels.get(SERVICE));
    }
}
