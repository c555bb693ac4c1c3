package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Ready when the container's port accepts a TCP connection. */
public final class TcpGate extends PollingGate {
    private final int port;
    private final Optional<String> network;
    private final Duration attemptTimeout;

    public TcpGate(
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
        this.attemptTimeout = HttpGate.attemptTimeout(timeout);
    }

    @Override
    protected Probe probe(ContainerInfo container, Instant now) {
        var address = ProbeAddress.of(container, port, network);
        if (address.isEmpty()) {
            return Probe.waiting("no address for port " + port + " yet");
        }
        try (Socket socket = new Socket()) {
            socket.connect(address.get(), (int) attemptTimeout.toMillis());
            return Probe.ready();
        } catch (IOException e) {
            return Probe.waiting("port " + port + " refuses connections: " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "tcp:" + port;
    }
}
