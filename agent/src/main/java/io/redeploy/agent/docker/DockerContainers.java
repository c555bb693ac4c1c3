package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.call;
import static io.redeploy.agent.docker.DockerCalls.failure;
import static io.redeploy.agent.docker.DockerCalls.findOrEmpty;
import static io.redeploy.agent.docker.DockerCalls.shortId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Containers over docker-java: inspect and list, create from the agent's spec, and the lifecycle calls (start,
 * restart, stop, remove, rename), each idempotent where a retry or a rollback may repeat it; the log tail for a
 * failure's reason.
 */
final class DockerContainers {
    private static final Duration LOGS_TIMEOUT = Duration.ofSeconds(5);

    private final DockerClient client;

    DockerContainers(DockerClient client) {
        this.client = client;
    }

    public Optional<ContainerInfo> inspectContainer(String nameOrId) {
        return findOrEmpty(
                "inspect container " + nameOrId,
                () -> DockerJavaModels.toContainerInfo(
                        client.inspectContainerCmd(nameOrId).exec()));
    }

    public String create(ContainerSpec spec) {
        return call("create container " + spec.name(), () -> {
            HostConfig host = HostConfig.newHostConfig()
                    .withRestartPolicy(RestartPolicy.parse(spec.restartPolicy()))
                    .withPortBindings(DockerJavaModels.portBindings(spec.ports()))
                    .withBinds(
                            spec.volumes().stream().map(DockerJavaModels::bind).toList());
            spec.network().ifPresent(host::withNetworkMode);
            CreateContainerCmd cmd = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withEnv(spec.env().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList())
                    .withExposedPorts(spec.ports().stream()
                            .map(DockerJavaModels::exposedPort)
                            .toList())
                    .withLabels(spec.labels())
                    .withStopTimeout((int) spec.stopTimeout().toSeconds())
                    .withHostConfig(host);
            if (spec.network().isPresent() && !spec.networkAliases().isEmpty()) {
                cmd.withAliases(spec.networkAliases());
            }
            spec.command().ifPresent(cmd::withCmd);
            return cmd.exec().getId();
        });
    }

    public void rename(String containerId, String newName) {
        call(
                "rename container " + shortId(containerId) + " to " + newName,
                () -> client.renameContainerCmd(containerId).withName(newName).exec());
    }

    public void start(String containerId) {
        try {
            client.startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // Idempotent: a rollback may start a container that is already up.
        } catch (RuntimeException e) {
            throw failure("start container " + shortId(containerId), e);
        }
    }

    public void restart(String containerId, Duration timeout) {
        try {
            client.restartContainerCmd(containerId)
                    .withTimeout((int) Math.max(0, timeout.toSeconds()))
                    .exec();
        } catch (RuntimeException e) {
            throw failure("restart container " + shortId(containerId), e);
        }
    }

    public void stop(String containerId, Duration timeout) {
        try {
            client.stopContainerCmd(containerId)
                    .withTimeout((int) Math.max(0, timeout.toSeconds()))
                    .exec();
        } catch (NotModifiedException alreadyStopped) {
            // Idempotent.
        } catch (RuntimeException e) {
            throw failure("stop container " + shortId(containerId), e);
        }
    }

    public void remove(String containerId) {
        try {
            // removeVolumes=false: named volumes hold data (a Postgres cluster) and must survive every redeploy.
            client.removeContainerCmd(containerId)
                    .withForce(true)
                    .withRemoveVolumes(false)
                    .exec();
        } catch (NotFoundException alreadyGone) {
            // Idempotent.
        } catch (RuntimeException e) {
            throw failure("remove container " + shortId(containerId), e);
        }
    }

    public List<ContainerInfo> listByLabel(String key, String value) {
        var containers = call(
                "list containers labelled " + key + "=" + value,
                () -> client.listContainersCmd()
                        .withShowAll(true)
                        .withLabelFilter(Map.of(key, value))
                        .exec());
        List<ContainerInfo> result = new ArrayList<>();
        for (var c : containers) {
            inspectContainer(c.getId()).ifPresent(result::add); // a container removed meanwhile is skipped
        }
        return result;
    }

    public String logsTail(String containerId, int lines) {
        StringBuilder out = new StringBuilder();
        try {
            client.logContainerCmd(containerId)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(LOGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Logs are a courtesy in a failure reason; their absence must not hide the real failure.
        }
        return out.toString().strip();
    }
}
