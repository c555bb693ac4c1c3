package io.redeploy.agent.policy;

import io.redeploy.agent.config.HookConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.DeployHooks;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.log.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's lifecycle hooks, as the {@link DeployHooks} of the container target: the pre-update hook runs once the
 * new image is pulled, while the old container still serves (the {@code pin-major} rule has already been applied by
 * the planner, so nothing is dumped for a deploy that is refused). Exit codes of a hook: 0 go on; {@value HookConfig#EXIT_SKIP} skip
 * this deploy (tried again at the next poll); anything else, or a timeout, aborts it.
 */
public final class PolicyHooks implements DeployHooks {
    private static final Logger log = LoggerFactory.getLogger(PolicyHooks.class);

    private final HookRunner runner;
    private final Clock clock;
    private final HookBackoff backoff;
    private final Redactor redactor;

    public PolicyHooks(DockerGateway docker, Clock clock) {
        this(docker, clock, Redactor.none());
    }

    /** @param redactor hides the configured secrets in what a failing hook printed (a connection string) */
    public PolicyHooks(DockerGateway docker, Clock clock, Redactor redactor) {
        this.clock = clock;
        this.runner = new HookRunner(docker, clock);
        this.backoff = new HookBackoff(clock);
        this.redactor = redactor;
    }

    @Override
    public Verdict beforeSwap(ServiceConfig service, Digest target, Optional<ContainerInfo> old, ImageInfo pulled) {
        Optional<HookConfig> hook = service.policy().preUpdate();
        if (hook.isEmpty()) {
            return Verdict.proceed();
        }
        Optional<String> container = old.filter(ContainerInfo::running).map(ContainerInfo::id);
        if (hook.get().where() == HookConfig.Where.EXEC && container.isEmpty()) {
            // Nothing runs yet (first deploy) or it is stopped: there is nothing to dump or drain.
            Event.info(log, "hook.skipped")
                    .with("phase", "pre-update")
                    .with("service", service.name())
                    .reason("no running container to exec in")
                    .log();
            return Verdict.proceed();
        }
        Optional<String> waiting = backoff.waiting(service.name());
        if (waiting.isPresent()) {
            return Verdict.skip(waiting.get());
        }
        HookRunner.Result result =
                run("pre-update", service, hook.get(), container, old.map(ContainerInfo::imageId), target);
        backoff.record(service.name(), result.timedOut());
        if (result.ok()) {
            return Verdict.proceed();
        }
        if (result.exitCode() == HookConfig.EXIT_SKIP) {
            return Verdict.skip(
                    "pre-update hook asked to skip this deploy (exit " + HookConfig.EXIT_SKIP + ")" + detail(result));
        }
        return Verdict.abort(describe(result));
    }

    @Override
    public Optional<String> afterDeploy(ServiceConfig service, Digest target, String containerId) {
        return service.policy().postUpdate().flatMap(hook -> {
            HookRunner.Result result =
                    run("post-update", service, hook, Optional.of(containerId), Optional.empty(), target);
            return result.ok() ? Optional.empty() : Optional.of("post-update hook failed: " + describe(result));
        });
    }

    private HookRunner.Result run(
            String phase,
            ServiceConfig service,
            HookConfig hook,
            Optional<String> container,
            Optional<String> fromImage,
            Digest target) {
        Instant started = clock.instant();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("REDEPLOY_PHASE", phase);
        environment.put("REDEPLOY_SERVICE", service.name());
        environment.put("REDEPLOY_CONTAINER", service.containerName());
        environment.put("REDEPLOY_IMAGE", service.image().toString());
        environment.put("REDEPLOY_TO_DIGEST", target.value());
        fromImage.ifPresent(id -> environment.put("REDEPLOY_FROM_IMAGE_ID", id));
        HookRunner.Result result = runner.run(service.name(), hook, container, environment);
        Duration took = Duration.between(started, clock.instant());
        String where = hook.where().name().toLowerCase(java.util.Locale.ROOT);
        Event line = result.ok() ? Event.info(log, "hook.done") : Event.error(log, "hook.failed");
        line.with("phase", phase).with("service", service.name()).with("where", where);
        if (result.ok()) {
            line.with("exit", 0)
                    .with("output", result.output().map(Object::toString).orElse("-"));
        } else {
            line.with("exit", result.exitCode())
                    .reason(oneLine(redactor.withEnv(service.env()).redact(result.detail())));
        }
        line.duration(took).log();
        return result;
    }

    private static String describe(HookRunner.Result result) {
        return (result.exitCode() == HookRunner.NOT_RUN ? "did not complete" : "exit " + result.exitCode())
                + detail(result);
    }

    private static String detail(HookRunner.Result result) {
        return result.detail().isBlank() ? "" : ": " + oneLine(result.detail());
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").replace("\"", "'").trim();
        return line.length() > 300 ? line.substring(line.length() - 300) : line;
    }
}
