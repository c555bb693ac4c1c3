package io.redeploy.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The agent's Prometheus metrics, in a registry of its own (never the global default registry, so two agents
 * in one JVM, as in tests, do not share counters). All methods are thread-safe.
 */
public final class AgentMetrics {
    /** Content type of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] POLL_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] DEPLOY_BUCKETS = {1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600};

    private final Clock clock;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false)
            .build();

    private final Counter polls;
    private final Histogram pollDuration;
    private final Gauge pollsInProgress;
    private final Gauge lastSuccessfulPoll;
    private final Counter registryRequests;
    private final Counter deploys;
    private final Histogram deployDuration;
    private final Gauge lastSuccessfulDeploy;
    private final Counter proxyConnections;
    private final Gauge proxyActive;
    private final Gauge serviceUp;
    private final Counter proxyBytes;

    public AgentMetrics(Clock clock) {
        this.clock = clock;
        polls = Counter.builder()
                .name("redeploy_polls_total")
                .help("Finished polls of all watched services, by result (ok, error).")
                .labelNames("result")
                .register(registry);
        polls.initLabelValues("ok");
        polls.initLabelValues("error");
        pollDuration = Histogram.builder()
                .name("redeploy_poll_duration_seconds")
                .help("Time one poll of all watched services took, deploys included.")
                .classicOnly()
                .classicUpperBounds(POLL_BUCKETS)
                .register(registry);
        pollsInProgress = Gauge.builder()
                .name("redeploy_polls_in_progress")
                .help("1 while a poll runs.")
                .register(registry);
        lastSuccessfulPoll = Gauge.builder()
                .name("redeploy_last_successful_poll_timestamp_seconds")
                .help("Unix time the last poll finished without error; 0 before the first one.")
                .register(registry);
        registryRequests = Counter.builder()
                .name("redeploy_registry_requests_total")
                .help("HTTP requests to registries by registry host and response status ('error' when no response).")
                .labelNames("registry", "status")
                .register(registry);
        deploys = Counter.builder()
                .name("redeploy_deploys_total")
                .help("Finished deploys by service and outcome (deployed, rolled_back, failed).")
                .labelNames("service", "outcome")
                .register(registry);
        deployDuration = Histogram.builder()
                .name("redeploy_deploy_duration_seconds")
                .help("Time from pull to healthy (or to rollback) of one deploy.")
                .labelNames("service")
                .classicOnly()
                .classicUpperBounds(DEPLOY_BUCKETS)
                .register(registry);
        lastSuccessfulDeploy = Gauge.builder()
                .name("redeploy_last_successful_deploy_timestamp_seconds")
                .help("Unix time of the last deploy that ended 'deployed', per service.")
                .labelNames("service")
                .register(registry);
        proxyConnections = Counter.builder()
                .name("redeploy_proxy_connections_total")
                .help("Client connections accepted on a service's agent-owned port, by result (forwarded; rejected: "
                        + "no container to forward to, the container refused, too many connections).")
                .labelNames("service", "result")
                .register(registry);
        serviceUp = Gauge.builder()
                .name("redeploy_service_up")
                .help("1 while the service's container (or Swarm service) runs, 0 while it is down (stopped, exited, "
                        + "missing).")
                .labelNames("service")
                .register(registry);
        proxyActive = Gauge.builder()
                .name("redeploy_proxy_connections_active")
                .help("Connections being forwarded right now, per service.")
                .labelNames("service")
                .register(registry);
        proxyBytes = Counter.builder()
                .name("redeploy_proxy_bytes_total")
                .help("Bytes forwarded on a service's agent-owned port, by direction (to_container, to_client), "
                        + "counted when a connection closes.")
                .labelNames("service", "direction")
                .register(registry);
    }

    public AgentMetrics() {
        this(Clock.systemUTC());
    }

    public void pollStarted() {
        pollsInProgress.inc();
    }

    /** A poll ended; {@code ok} is false when any service's check or deploy failed. */
    public void pollFinished(Duration duration, boolean ok) {
        pollsInProgress.dec();
        polls.labelValues(ok ? "ok" : "error").inc();
        pollDuration.observe(seconds(duration));
        if (ok) {
            lastSuccessfulPoll.set(nowSeconds());
        }
    }

    /** One registry HTTP response; pass a status {@code <= 0} when the request got no response at all. */
    public void registryResponse(String registryHost, int status) {
        registryRequests
                .labelValues(registryHost, status > 0 ? Integer.toString(status) : "error")
                .inc();
    }

    public void deployFinished(String service, String outcome, Duration duration) {
        deploys.labelValues(service, outcome).inc();
        deployDuration.labelValues(service).observe(seconds(duration));
        if ("deployed".equals(outcome)) {
            lastSuccessfulDeploy.labelValues(service).set(nowSeconds());
        }
    }

    public void serviceUp(String service, boolean up) {
        serviceUp.labelValues(service).set(up ? 1 : 0);
    }

    /** A connection on the agent-owned port of {@code service} reached its container. */
    public void proxyOpened(String service) {
        proxyConnections.labelValues(service, "forwarded").inc();
        proxyActive.labelValues(service).inc();
    }

    public void proxyClosed(String service, long toContainer, long toClient) {
        proxyActive.labelValues(service).dec();
        proxyBytes.labelValues(service, "to_container").inc(toContainer);
        proxyBytes.labelValues(service, "to_client").inc(toClient);
    }

    public void proxyRejected(String service) {
        proxyConnections.labelValues(service, "rejected").inc();
    }

    /** Unix time of the last successful poll, 0 before the first one. */
    public double lastSuccessfulPollSeconds() {
        return lastSuccessfulPoll.get();
    }

    /** Every metric in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private double nowSeconds() {
        return clock.millis() / 1000.0;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
