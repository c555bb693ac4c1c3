package io.redeploy.agent;

import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.proxy.ProxyListener;

/** Counts the connections of the agent's own ports in the metrics. */
final class ProxyMetricsListener implements ProxyListener {
    private final AgentMetrics metrics;

    ProxyMetricsListener(AgentMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void opened(String service) {
        metrics.proxyOpened(service);
    }

    @Override
    public void closed(String service, long toTarget, long toClient) {
        metrics.proxyClosed(service, toTarget, toClient);
    }

    @Override
    public void rejected(String service, String reason) {
        metrics.proxyRejected(service);
    }
}
