package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerSpecsTest {
    @Test
    void createsFromTheImageByDigestWithTheAgentsLabelsWinning() {
        ServiceConfig s = ServiceConfig.builder("db", ImageRef.parse("postgres", "16"))
                .containerName("acme-db")
                .mode(ServiceConfig.UpdateMode.AUTO)
                .env(Map.of("POSTGRES_PASSWORD", "s3cret"))
                .network(Optional.of("acme"))
                .networkAliases(List.of("db"))
                .stopTimeout(Duration.ofSeconds(30))
                .restartPolicy("")
                .command(Optional.of(List.of("postgres", "-c", "fsync=off")))
                .labels(Map.of(AgentLabels.MANAGED, "false", AgentLabels.SERVICE, "other", "tier", "data"))
                .build();

        ContainerSpec spec = ContainerSpecs.forDeploy(s, Services.V1);

        assertThat(spec.name()).isEqualTo("acme-db");
        assertThat(spec.image()).isEqualTo("postgres@" + Services.V1.value());
        assertThat(spec.labels())
                .containsEntry(AgentLabels.MANAGED, "true")
                .containsEntry(AgentLabels.SERVICE, "db")
                .containsEntry(AgentLabels.DIGEST, Services.V1.value())
                .containsEntry("tier", "data");
        assertThat(spec.restartPolicy()).isEqualTo("no");
        assertThat(spec.network()).contains("acme");
        assertThat(spec.networkAliases()).containsExactly("db");
        assertThat(spec.command()).contains(List.of("postgres", "-c", "fsync=off"));
        assertThat(spec.toString()).contains("POSTGRES_PASSWORD").doesNotContain("s3cret");
    }
}
