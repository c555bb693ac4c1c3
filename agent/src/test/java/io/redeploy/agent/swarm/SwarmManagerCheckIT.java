package io.redeploy.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.docker.swarm.*;
import org.junit.jupiter.api.Test;

/** On the shared engine while it is in no swarm: every Swarm call says clearly that this engine is no manager. */
class SwarmManagerCheckIT {

    @Test
    void anEngineInNoSwarmIsClearlyNotAManager() {
        SwarmFixture.leaveLeftoverTestSwarm();
        String state = Sh.run("docker", "info", "--format", "{{.Swarm.LocalNodeState}}");
        assertThat(state).as("this test needs the shared engine in no swarm").isEqualTo("inactive");

        try (SwarmApi api = SwarmApi.connect("unix:///var/run/docker.sock")) {
            assertThat(api.info().isManager()).isFalse();
            assertThatThrownBy(api::requireManager)
                    .isInstanceOf(NotASwarmManagerException.class)
                    .hasMessage("the Docker engine is not part of a swarm (Swarm.LocalNodeState=inactive): run `docker"
                            + " swarm init` on it, or point the agent at a manager of an existing swarm");
            assertThatThrownBy(() -> api.inspectService("web"))
                    .isInstanceOf(NotASwarmManagerException.class)
                    .hasMessageStartingWith(
                            "cannot inspect service web: the Docker engine is not a usable swarm manager: This node is"
                                    + " not a swarm manager.");
            assertThatThrownBy(api::nodes).isInstanceOf(NotASwarmManagerException.class);
        }
    }
}
