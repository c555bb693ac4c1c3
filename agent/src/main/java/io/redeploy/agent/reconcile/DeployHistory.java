package io.redeploy.agent.reconcile;

import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.time.Duration;

/**
 * A deploy that ended (by a poll, an operator's rollback or a recovery), written the one way: the service's last
 * deploy in the state, a line of the audit history, the deploy metric.
 */
final class DeployHistory {
    private final StateStore state;
    private final AuditLog audit;
    private final AgentMetrics metrics;
    private final Clock clock;

    DeployHistory(StateStore state, AuditLog audit, AgentMetrics metrics, Clock clock) {
        this.state = state;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param kind   the audit kind ({@link AuditRecord#DEPLOY}, {@link AuditRecord#ROLLBACK}, ...)
     * @param why    the audit line's reason (an operator's own words may differ from the state's)
     * @param took   what the metric counts (zero for a deploy a recovery finished)
     */
    void write(String service, DeployRecord deploy, String kind, String by, String why, Duration took) {
        state.recordDeploy(service, deploy);
        audit.append(
                AuditRecord.of(clock.instant(), service, kind, deploy.outcome(), deploy.from(), deploy.to(), by, why));
        metrics.deployFinished(service, deploy.outcome(), took);
    }
}
