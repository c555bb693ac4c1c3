package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A gate that dials one port of the container ({@link ProbeAddress}: its address on {@code network}, else any) and
 * waits while it has none yet; what counts as ready on that address is the subclass's probe.
 */
abstract class PortGate extends PollingGate {
    protected final int port;
    /** One attempt's limit: one slow answer must not eat the whole deadline. */
    protected final Duration attemptTimeout;

    private final Optional<String> network;

    PortGate(
            DockerGateway docker,
            Clock clock,
            Sleeper sleeper,
            Duration timeout,
            Duration interval,
            int port,
            Optional<String> network) {
        super(docker, clock, sleeper, timeout, interval);
        this.port = port;
        this.network = network;
        this.attemptTimeout = attemptTimeout(timeout);
    }

    /** One slow answer must not eat the whole deadline, nor may a tiny timeout make every attempt fail. */
    static Duration attemptTimeout(Duration gateTimeout) {
        Duration two = Duration.ofSeconds(2);
        return gateTimeout.compareTo(two) < 0 ? Duration.ofMillis(Math.max(200, gateTimeout.toMillis())) : two;
    }

    @Override
    protected final Probe probe(ContainerInfo container, Instant now) {
        Optional<InetSocketAddress> address = ProbeAddress.of(container, port, network);
        if (address.isEmpty()) {
            return Probe.waiting("no address for port " + port + " yet");
        }
        return probe(address.get());
    }

    protected abstract Probe probe(InetSocketAddress address);
}
