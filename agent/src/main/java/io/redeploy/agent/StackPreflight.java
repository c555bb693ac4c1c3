package io.redeploy.agent;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.ContainerPreflight;
import io.redeploy.agent.docker.DockerJavaGateway;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --check}'s look at the engine: each service whose container cannot be followed or differs from its
 * description, one line each. Read-only (inspections only), and never a reason to fail the check: the stack may not
 * be up yet when the agent is installed, and the agent checks again at every poll.
 */
final class StackPreflight {
    private StackPreflight() {}

    static List<String> check(AgentConfig config) {
        String host = DockerConfig.hostOf(config.docker());
        List<String> lines = new ArrayList<>();
        try (DockerJavaGateway docker = DockerJavaGateway.connect(host)) {
            docker.ping();
            ContainerPreflight preflight = new ContainerPreflight(docker);
            for (ServiceConfig service : config.services()) {
                preflight.problem(service).ifPresent(p -> lines.add("services." + service.name() + ": " + p));
            }
        } catch (RuntimeException e) {
            lines.add("docker at " + host + " did not answer (" + e.getMessage()
                    + "): the services' containers were not checked; the agent checks them at every poll");
        }
        return lines;
    }
}
