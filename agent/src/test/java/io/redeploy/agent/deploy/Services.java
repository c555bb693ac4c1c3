package io.redeploy.agent.deploy;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.PortMapping;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.VolumeMount;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** ServiceConfig records for tests, built directly (the config loader is not needed). */
public final class Services {
    static final String REPO = "127.0.0.1:5000/acme/web";
    static final Digest V1 = digest('1');
    static final Digest V2 = digest('2');

    private Services() {}

    static Digest digest(char c) {
        return Digest.parse("sha256:" + String.valueOf(c).repeat(64));
    }

    static ServiceConfig web() {
        return service("web", "acme-web", HealthCheckConfig.defaults());
    }

    public static ServiceConfig service(String name, String containerName, HealthCheckConfig health) {
        return ServiceConfig.builder(name, ImageRef.parse(REPO, "main"))
                .containerName(containerName)
                .mode(ServiceConfig.UpdateMode.AUTO)
                .env(Map.of("DB_PASSWORD", "hunter2-secret"))
                .ports(List.of(new PortMapping("127.0.0.1", 18080, 8080, "tcp")))
                .volumes(List.of(new VolumeMount("web-data", "/data", false)))
                .health(health)
                .stopTimeout(Duration.ofSeconds(7))
                .restartPolicy("unless-stopped")
                .labels(Map.of("team", "core"))
                .build();
    }

    static HealthCheckConfig health(HealthCheckConfig.Type type, Duration timeout) {
        return new HealthCheckConfig(type, "/", 0, timeout, Duration.ofSeconds(1));
    }
}
