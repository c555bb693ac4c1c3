package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several deploy targets as one: each service goes to the target of its {@link ServiceConfig.Source} (containers on
 * this engine, Swarm services). A source without a target is a wiring bug, reported as such.
 */
public final class TargetRouter implements DeployTarget {
    private final Map<ServiceConfig.Source, DeployTarget> bySource;

    public TargetRouter(Map<ServiceConfig.Source, DeployTarget> bySource) {
        this.bySource = new EnumMap<>(bySource);
    }

    private DeployTarget of(ServiceConfig service) {
        DeployTarget target = bySource.get(service.source());
        if (target == null) {
            throw new IllegalStateException("no deploy target for " + service.describeSource());
        }
        return target;
    }

    private Set<DeployTarget> distinct() {
        return new LinkedHashSet<>(bySource.values());
    }

    /** Pings every target: a poll changes nothing while any of them does not answer. */
    @Override
    public void ping() {
        distinct().forEach(DeployTarget::ping);
    }

    @Override
    public ServiceConfig resolve(ServiceConfig service) {
        return of(service).resolve(service);
    }

    @Override
    public Workload observe(ServiceConfig service) {
        return of(service).observe(service);
    }

    @Override
    public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
        return of(service).deploy(service, target, registry);
    }

    @Override
    public boolean revive(ServiceConfig service) {
        return of(service).revive(service);
    }

    @Override
    public boolean restart(ServiceConfig service) {
        return of(service).restart(service);
    }

    @Override
    public void restartDue(ServiceConfig service) {
        of(service).restartDue(service);
    }

    @Override
    public List<Recovery> recover(List<ServiceConfig> services) {
        List<Recovery> actions = new ArrayList<>();
        for (DeployTarget target : distinct()) {
            List<ServiceConfig> own = services.stream()
                    .filter(s -> bySource.get(s.source()) == target)
                    .toList();
            actions.addAll(target.recover(own));
        }
        return List.copyOf(actions);
    }

    @Override
    public List<Recovery> recoverInterrupted() {
        List<Recovery> recoveries = new ArrayList<>();
        distinct().forEach(t -> recoveries.addAll(t.recoverInterrupted()));
        return List.copyOf(recoveries);
    }

    @Override
    public boolean awaitingRecovery() {
        return distinct().stream().anyMatch(DeployTarget::awaitingRecovery);
    }
}
