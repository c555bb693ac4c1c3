package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Ready when the container's port accepts a TCP connection. */
public final class TcpGate extends PortGate {

    public TcpGate(
            DockerGateway docker,
            Clock clock,
            Sleeper sleeper,
            Duration timeout,
            Duration interval,
            int port,
            Optional<String> network) {
        super(docker, clock, sleeper, timeout, interval, port, network);
    }

    @Override
    protected Probe probe(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) attemptTimeout.toMillis());
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
