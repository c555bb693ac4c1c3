package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.util.List;
import java.util.Optional;

/** Reads one entry of {@code services:} into a {@link ServiceDraft}, recording every problem on the way. */
final class ServiceBinder {
    static final String DEFAULT_TAG = "latest";

    static final List<String> KEYS = List.of(
            "image",
            "container",
            "swarm_service",
            "adopt",
            "tag",
            "container_name",
            "mode",
            "env",
            "ports",
            "volumes",
            "network",
            "network_aliases",
            "depends_on",
            "restart_on_dependency_update",
            "health",
            "stop_timeout",
            "restart_policy",
            "command",
            "labels",
            "prune_old_images",
            "revive_stopped",
            "policy",
            "cooldown",
            "hooks",
            "strategy",
            "proxy",
            "traffic",
            "verify");

    private final EnvInterpolator interpolator;
    private final Problems problems;
    private final ContainerSettingsBinder containerSettings;
    private final FollowedContainerBinder followedContainer;
    private final StrategyBinder strategies;

    ServiceBinder(EnvInterpolator interpolator, Problems problems) {
        this.interpolator = interpolator;
        this.problems = problems;
        this.containerSettings = new ContainerSettingsBinder(interpolator, problems);
        this.followedContainer = new FollowedContainerBinder(problems);
        this.strategies = new StrategyBinder(problems);
    }

    Optional<ServiceDraft> bind(YamlNode.Entry entry) {
        String path = MappingReader.child("services", entry.key());
        if (!ContainerNameRule.matches(entry.key())) {
            problems.add(
                    entry.keyLine(),
                    "services",
                    "'" + entry.key() + "' is not a valid service name; expected " + ContainerNameRule.RULE
                            + " (it is also the default container name)");
        }
        return MappingReader.of(entry.value(), path, problems, "a mapping with 'image' or 'container'", KEYS)
                .map(reader -> bind(entry, path, reader));
    }

    private ServiceDraft bind(YamlNode.Entry entry, String path, MappingReader reader) {
        ServiceDraft draft = new ServiceDraft(entry.key(), path, entry.keyLine());
        Optional<String> adopt = reader.string("adopt", "spec or container");
        if (adopt.isPresent() && !List.of("spec", "container").contains(adopt.get())) {
            problems.add(
                    reader.lineOf("adopt"),
                    reader.pathOf("adopt"),
                    "'" + adopt.get() + "' is not a choice; expected spec (agent.yml wins over the running container) "
                            + "or container (the running container's own settings are kept)");
        }
        if (reader.has("swarm_service")) {
            followedContainer.swarm(reader, draft);
        } else if (reader.has("container")) {
            if (adopt.isPresent()) {
                problems.add(
                        reader.lineOf("adopt"),
                        reader.pathOf("adopt"),
                        "'adopt' is for a service described here; a followed container keeps its own settings");
            }
            followedContainer.bind(reader, draft);
            containerSettings.stopTimeout(reader, draft);
        } else if (adopt.filter("container"::equals).isPresent()) {
            followedContainer.adopt(reader, draft);
            containerSettings.stopTimeout(reader, draft);
        } else {
            adopt.filter("spec"::equals).ifPresent(a -> draft.adopt = ServiceConfig.Adopt.SPEC);
            bindImage(reader, draft);
            reader.parsed("container_name", "a container name", ContainerNameRule::parse)
                    .ifPresent(name -> {
                        draft.containerName = name;
                        draft.containerNameLine = reader.lineOf("container_name");
                    });
            containerSettings.bind(reader, draft);
        }
        reader.parsed("mode", "auto or monitor", ServiceBinder::mode).ifPresent(mode -> draft.mode = mode);
        strategies.bind(reader, draft);
        reader.forEachItem(
                "depends_on",
                "a list of service names",
                (item, itemPath) -> MappingReader.asText(item, itemPath, problems, "a service name")
                        .ifPresent(name -> {
                            if (draft.dependencyNames().contains(name)) {
                                problems.add(
                                        item.line(),
                                        itemPath,
                                        "'" + name + "' is listed twice; expected each dependency once");
                            } else {
                                draft.dependsOn.add(new ServiceDraft.Located<>(name, item.line()));
                            }
                        }));
        draft.dependsOnLine = reader.lineOf("depends_on");
        reader.bool("restart_on_dependency_update").ifPresent(b -> draft.restartOnDependencyUpdate = b);
        reader.reader("health", "a mapping such as {type: http, port: 8000, path: /health}", HealthBinder.KEYS)
                .flatMap(new HealthBinder(problems)::bind)
                .ifPresent(h -> draft.health = h);
        reader.bool("prune_old_images").ifPresent(b -> draft.pruneOldImages = b);
        reader.bool("revive_stopped").ifPresent(b -> draft.reviveStopped = b);
        draft.policy = new PolicyBinder(problems, interpolator).bind(reader);
        return draft;
    }

    private void bindImage(MappingReader reader, ServiceDraft draft) {
        Optional<String> tag = reader.string("tag", "a tag such as latest, main or 16");
        boolean tagValid = tag.map(t -> {
                    if (ImageRef.isValidTag(t)) {
                        return true;
                    }
                    problems.add(
                            reader.lineOf("tag"),
                            reader.pathOf("tag"),
                            "'" + t + "' is not a valid tag; expected up to "
                                    + "128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
                    return false;
                })
                .orElse(true);
        if (!reader.has("image")) {
            problems.add(
                    reader.line(),
                    draft.path,
                    "missing required key 'image'; expected [registry/]repository, "
                            + "e.g. ghcr.io/acme/app or postgres");
            return;
        }
        reader.string("image", "[registry/]repository, e.g. ghcr.io/acme/app").ifPresent(image -> {
            try {
                ImageRef.parse(image, DEFAULT_TAG); // validates the name alone, so a bad tag is not blamed on it
                if (tagValid) {
                    draft.image = ImageRef.parse(image, tag.orElse(DEFAULT_TAG));
                }
            } catch (IllegalArgumentException e) {
                problems.add(
                        reader.lineOf("image"),
                        reader.pathOf("image"),
                        "'" + image + "' is not a valid image ("
                                + e.getMessage()
                                + "); expected [registry/]repository in lowercase without tag or digest, "
                                + "e.g. ghcr.io/acme/app");
            }
        });
    }

    private static ServiceConfig.UpdateMode mode(String text) {
        return switch (text) {
            case "auto" -> ServiceConfig.UpdateMode.AUTO;
            case "monitor" -> ServiceConfig.UpdateMode.MONITOR;
            default -> throw new IllegalArgumentException("'" + text + "' is not a mode; expected auto or monitor");
        };
    }
}
