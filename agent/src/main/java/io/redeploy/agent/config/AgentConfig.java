package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole validated agent configuration. Immutable; built only by {@link ConfigLoader}. */
public record AgentConfig(
        Map<String, RegistryConfig> registries,
        ScheduleConfig schedule,
        Path stateDir,
        HttpConfig http,
        DockerConfig docker,
        List<ServiceConfig> services,
        NotificationsConfig notifications) {

    public AgentConfig {
        registries = Map.copyOf(registries);
        services = List.copyOf(services);
        notifications = notifications == null ? NotificationsConfig.none() : notifications;
    }

    /** A configuration without notifications. */
    public AgentConfig(
            Map<String, RegistryConfig> registries,
            ScheduleConfig schedule,
            Path stateDir,
            HttpConfig http,
            DockerConfig docker,
            List<ServiceConfig> services) {
        this(registries, schedule, stateDir, http, docker, services, NotificationsConfig.none());
    }

    /** Every configured secret's value (registry passwords, the trigger and read tokens, webhook URLs and keys, SMTP password). */
    public List<String> secretValues() {
        List<Secret> secrets = new java.util.ArrayList<>();
        registries.values().forEach(r -> r.password().ifPresent(secrets::add));
        http.triggerToken().ifPresent(secrets::add);
        http.readToken().ifPresent(secrets::add);
        http.approvalKey().ifPresent(secrets::add);
        notifications.webhooks().forEach(w -> {
            secrets.add(w.url());
            w.hmacSecret().ifPresent(secrets::add);
        });
        notifications.email().flatMap(NotificationsConfig.Email::password).ifPresent(secrets::add);
        return secrets.stream().map(Secret::reveal).toList();
    }

    /** Every service's environment variables as configured: they routinely hold passwords (DATABASE_URL, ...). */
    public List<Map.Entry<String, String>> envVariables() {
        return services.stream().flatMap(s -> s.env().entrySet().stream()).toList();
    }

    /** Credentials and transport for the registry that serves {@code image}; anonymous HTTPS when not configured. */
    public RegistryConfig registryFor(ImageRef image) {
        return registries.getOrDefault(image.registry(), RegistryConfig.anonymous(image.registry()));
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
