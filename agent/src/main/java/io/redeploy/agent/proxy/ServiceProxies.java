package io.redeploy.agent.proxy;

import io.redeploy.agent.config.ProxyConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The forwarders of every service with a {@code proxy:} port, opened together at start-up and closed together. */
public final class ServiceProxies implements TrafficSwitches, AutoCloseable {
    private final Map<String, PortForwarder> forwarders;
    private final Map<String, Duration> drains;

    private ServiceProxies(Map<String, PortForwarder> forwarders, Map<String, Duration> drains) {
        this.forwarders = Map.copyOf(forwarders);
        this.drains = Map.copyOf(drains);
    }

    /**
     * Binds every configured proxy port (without a target yet). When one cannot be bound, those already bound are
     * closed again and the {@link ProxyBindException} is thrown: the agent does not start with a public port missing.
     */
    public static ServiceProxies open(List<ServiceConfig> services, Duration connectTimeout, ProxyListener listener) {
        Map<String, PortForwarder> opened = new LinkedHashMap<>();
        Map<String, Duration> drains = new LinkedHashMap<>();
        try {
            for (ServiceConfig service : services) {
                if (service.proxy().isEmpty()) {
                    continue;
                }
                ProxyConfig proxy = service.proxy().get();
                opened.put(
                        service.name(),
                        PortForwarder.open(
                                service.name(),
                                new InetSocketAddress(proxy.listenHost(), proxy.listenPort()),
                                ForwarderLimits.of(proxy, connectTimeout),
                                listener));
                drains.put(service.name(), proxy.drain());
            }
        } catch (RuntimeException e) {
            opened.values().forEach(PortForwarder::close);
            throw e;
        }
        return new ServiceProxies(opened, drains);
    }

    @Override
    public Optional<TrafficSwitch> forService(String service) {
        return Optional.ofNullable(forwarders.get(service));
    }

    public Optional<PortForwarder> forwarder(String service) {
        return Optional.ofNullable(forwarders.get(service));
    }

    public boolean isEmpty() {
        return forwarders.isEmpty();
    }

    /**
     * Stops accepting on every port at once, then lets open connections finish, each service for its {@code drain}
     * but at most {@code maxGrace} in all, and closes the rest.
     */
    public void shutdown(Duration maxGrace) {
        forwarders.values().forEach(PortForwarder::stopAccepting);
        long deadline = System.nanoTime() + maxGrace.toNanos();
        forwarders.forEach((service, forwarder) -> {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Duration drain = drains.get(service);
            forwarder.shutdown(drain.compareTo(left) < 0 ? drain : left);
        });
    }

    @Override
    public void close() {
        forwarders.values().forEach(PortForwarder::close);
    }
}
