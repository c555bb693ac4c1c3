package io.redeploy.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** What a container has from its image goes; what the user set stays. */
class ImageDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String IMAGE = """
            {"Env": ["PATH=/usr/bin", "PORT=8000"], "Entrypoint": ["java", "-jar", "/app.jar"], "Cmd": null,
             "WorkingDir": "/app", "User": "10001", "ExposedPorts": {"8000/tcp": {}},
             "Volumes": {"/data": {}}, "Labels": {"org.opencontainers.image.revision": "abc", "team": "core"},
             "Healthcheck": {"Test": ["CMD", "true"]}, "StopSignal": "SIGTERM"}
            """;

    @Test
    void theImagesOwnValuesAreLeftToTheNewImage() throws Exception {
        ObjectNode container = (ObjectNode) JSON.readTree("""
                {"Env": ["PATH=/usr/bin", "PORT=8000", "DB_USER=survey"], "Entrypoint": ["java", "-jar", "/app.jar"],
                 "Cmd": null, "WorkingDir": "/app", "User": "10001", "ExposedPorts": {"8000/tcp": {}},
                 "Volumes": {"/data": {}}, "Healthcheck": {"Test": ["CMD", "true"]}, "StopSignal": "SIGTERM",
                 "Labels": {"org.opencontainers.image.revision": "abc", "team": "core",
                            "com.docker.compose.service": "web"}}
                """);

        ImageDefaults.strip(container, JSON.readTree(IMAGE));

        assertThat(container.toString()).isEqualTo(JSON.readTree("""
                        {"Env": ["DB_USER=survey"], "Cmd": null, "ExposedPorts": {}, "Volumes": {},
                         "Labels": {"com.docker.compose.service": "web"}}
                        """).toString());
    }

    @Test
    void whatTheUserSetOverTheImageStays() throws Exception {
        ObjectNode container = (ObjectNode) JSON.readTree("""
                {"Env": ["PATH=/usr/bin", "PORT=9000"], "Entrypoint": ["/bin/sh"], "Cmd": ["-c", "run"],
                 "WorkingDir": "/srv", "User": "0", "Labels": {"team": "ops"}}
                """);
        JsonNode before = container.deepCopy();

        ImageDefaults.strip(container, JSON.readTree(IMAGE));

        assertThat(container.path("Env").toString()).isEqualTo("[\"PORT=9000\"]");
        assertThat(container.path("Entrypoint")).isEqualTo(before.path("Entrypoint"));
        assertThat(container.path("Cmd")).isEqualTo(before.path("Cmd"));
        assertThat(container.path("WorkingDir").asText()).isEqualTo("/srv");
        assertThat(container.path("User").asText()).isEqualTo("0");
        assertThat(container.path("Labels").path("team").asText()).isEqualTo("ops");
    }
}
