package io.redeploy.agent.it.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.it.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Caddy image of scripts/build-caddy-image.sh (Debian's caddy package, FROM scratch) runs, and with
 * deploy/caddy/Caddyfile serves the site over HTTPS with its own local CA ({@code SURVEY_TLS=internal}), proxying to
 * an upstream on the container network, as it will proxy to survey-web.
 */
class CaddyImageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String prefix = "caddy-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String network = prefix + "-net";
    private final String upstream = prefix + "-web";
    private final String caddy = prefix + "-caddy";
    private final String upstreamImage = "redeploy-it/" + prefix + ":web";

    @TempDir
    Path dir;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        LocalImages.caddy();
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        run("docker", "rm", "-f", caddy, upstream);
        run("docker", "network", "rm", network);
        run("docker", "rmi", upstreamImage);
    }

    @Test
    void theImageRunsCaddyFromDebiansPackage() {
        run("docker", "pull", "-q", LocalImages.CADDY).requireSuccess(); // so that the run prints the version alone
        CommandResult version = run("docker", "run", "--rm", LocalImages.CADDY, "caddy", "version")
                .requireSuccess();

        assertThat(version.output().strip()).matches("v?2\\.\\d+\\.\\d+.*");
    }

    @Test
    void theCaddyfileServesTheSiteOverHttpsFromItsLocalCaAndProxiesToTheUpstream() {
        run("docker", "network", "create", network).requireSuccess();
        run(
                        "bash",
                        LocalStack.repoRoot()
                                .resolve("scripts/build-test-image.sh")
                                .toString(),
                        upstreamImage,
                        prefix,
                        "--no-push")
                .requireSuccess();
        run("docker", "run", "-d", "--name", upstream, "--network", network, upstreamImage)
                .requireSuccess();
        int port = LocalStack.freePort();
        run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        caddy,
                        "--network",
                        network,
                        "-p",
                        "127.0.0.1:" + port + ":443",
                        "-e",
                        "SURVEY_TLS=internal",
                        "-e",
                        "SURVEY_SITE_ADDRESS=localhost",
                        "-e",
                        "SURVEY_UPSTREAM=" + upstream + ":8080",
                        "-v",
                        caddyfile() + ":/etc/caddy/Caddyfile:ro",
                        LocalImages.CADDY)
                .requireSuccess();

        Path root = dir.resolve("caddy-root.crt");
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> run("docker", "cp", caddy + ":/data/caddy/pki/authorities/local/root.crt", root.toString())
                        .succeeded());
        // Verified against the root Caddy generated: a real chain for "localhost", not curl -k.
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(run(
                                        "curl",
                                        "-sS",
                                        "--max-time",
                                        "5",
                                        "--cacert",
                                        root.toString(),
                                        "--resolve",
                                        "localhost:" + port + ":127.0.0.1",
                                        "https://localhost:" + port + "/")
                                .requireSuccess()
                                .output())
                        .contains("build=" + prefix));
    }

    @Test
    void anUnknownTlsModeIsRefusedWhenCaddyReadsTheCaddyfile() {
        CommandResult validate = run(
                "docker",
                "run",
                "--rm",
                "-e",
                "SURVEY_TLS=bogus",
                "-v",
                caddyfile() + ":/etc/caddy/Caddyfile:ro",
                LocalImages.CADDY,
                "caddy",
                "validate",
                "--config",
                "/etc/caddy/Caddyfile",
                "--adapter",
                "caddyfile");

        assertThat(validate.exitCode()).as(validate.toString()).isNotZero();
        assertThat(validate.output()).contains("tls-bogus");
    }

    private static String caddyfile() {
        return LocalStack.repoRoot().resolve("deploy/caddy/Caddyfile").toString();
    }

    private CommandResult run(String... command) {
        return Commands.run(dir, TIMEOUT, command);
    }
}
