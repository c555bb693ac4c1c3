package io.redeploy.agent;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.TrafficConfig;
import io.redeploy.agent.proxy.ServiceProxies;
import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitches;
import io.redeploy.agent.traffic.caddy.CaddyAdmin;
import io.redeploy.agent.traffic.caddy.CaddyRoute;
import io.redeploy.agent.traffic.caddy.CaddySwitch;
import io.redeploy.agent.traffic.caddy.UpstreamTrafficSwitch;
import io.redeploy.agent.traffic.haproxy.HaproxyRuntime;
import io.redeploy.agent.traffic.haproxy.HaproxySwitch;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every service's traffic switch, as one {@link TrafficSwitches}: the agent's own port ({@code proxy:}, from
 * {@link ServiceProxies}) or a reverse proxy ({@code traffic:}: a Caddy route, an HAProxy backend). Building one asks
 * nothing of the proxies yet: the agent starts while Caddy or HAProxy is down, and its first pointing (or the next
 * poll) sets the route.
 */
record ServiceSwitches(Map<String, TrafficSwitch> switches) implements TrafficSwitches {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A config change included: Caddy answers once the new config runs. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    static ServiceSwitches of(List<ServiceConfig> services, ServiceProxies proxies, Clock clock, Sleeper sleeper) {
        Map<String, TrafficSwitch> switches = new LinkedHashMap<>();
        Map<URI, CaddyAdmin> admins = new HashMap<>(); // one client (and connection pool) per Caddy
        for (ServiceConfig service : services) {
            proxies.forService(service.name()).ifPresent(p -> switches.put(service.name(), p));
            service.traffic()
                    .ifPresent(traffic ->
                            switches.put(service.name(), switchOf(service, traffic, admins, clock, sleeper)));
        }
        return new ServiceSwitches(switches);
    }

    private static TrafficSwitch switchOf(
            ServiceConfig service, TrafficConfig traffic, Map<URI, CaddyAdmin> admins, Clock clock, Sleeper sleeper) {
        if (traffic instanceof TrafficConfig.Caddy caddy) {
            CaddyAdmin admin =
                    admins.computeIfAbsent(caddy.admin(), url -> CaddyAdmin.create(url, CONNECT_TIMEOUT, CALL_TIMEOUT));
            return new UpstreamTrafficSwitch(new CaddySwitch(
                    admin,
                    new CaddyRoute(service.name(), caddy.server(), caddy.hosts()),
                    clock,
                    sleeper,
                    CaddySwitch.DEFAULT_DRAIN_POLL));
        }
        TrafficConfig.Haproxy haproxy = (TrafficConfig.Haproxy) traffic;
        return new UpstreamTrafficSwitch(new HaproxySwitch(
                new HaproxyRuntime(haproxy.socket(), CALL_TIMEOUT),
                service.name(),
                haproxy.backend(),
                haproxy.server(),
                clock,
                sleeper,
                CaddySwitch.DEFAULT_DRAIN_POLL));
    }

    ServiceSwitches {
        switches = Map.copyOf(switches);
    }

    @Override
    public Optional<TrafficSwitch> forService(String service) {
        return Optional.ofNullable(switches.get(service));
    }

    boolean isEmpty() {
        return switches.isEmpty();
    }
}
