package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that expose the host or a secret are refused with a clear line, and never quote the secret. */
class SecurityConfigTest {
    private static final String LONG_TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String SERVICES = "services:\n  web: {image: registry.internal:5000/acme/app}\n";

    static AgentConfig parse(Map<String, String> env, String yaml) {
        try {
            return new ConfigLoader(env).parse(yaml, "agent.yml");
        } catch (ConfigException e) {
            throw new AssertionError(String.join("\n", e.problems()), e);
        }
    }

    static List<String> problems(Map<String, String> env, String yaml) {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(env).parse(yaml, "agent.yml"));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void aTokenPastedIntoPasswordEnvIsNotEchoed() {
        String pasted = "ghp_R3alTokenPastedByMistake99";
        String pastedWithDash = "glpat-R3alTokenPasted-99";
        for (String value : List.of(pasted, pastedWithDash)) {
            List<String> problems = problems(Map.of(), """
                    registries:
                      registry.internal:5000: {username: bot, password_env: "%s"}
                    """.formatted(value) + SERVICES);
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0))
                    .contains("password_env")
                    .doesNotContain(value)
                    .doesNotContain("R3al");
        }
    }

    @Test
    void anUpperCaseVariableNameIsStillNamed() {
        assertThat(problems(Map.of(), """
                registries:
                  registry.internal:5000: {username: bot, password_env: REGISTRY_TOKEN}
                """ + SERVICES))
                .containsExactly("agent.yml:2: registries.registry.internal:5000.password_env: environment variable "
                        + "'REGISTRY_TOKEN' is not set; expected it to hold the registry password");
    }

    @Test
    void anInsecureRegistryOffLoopbackNeedsAnAcknowledgement() {
        assertThat(problems(Map.of(), """
                registries:
                  registry.internal:5000: {insecure: true}
                """ + SERVICES))
                .containsExactly("agent.yml:2: registries.registry.internal:5000.insecure: plain HTTP to a registry "
                        + "off loopback lets anyone on the path read its credentials and swap the manifests' digests; "
                        + "expected HTTPS, or insecure_acknowledged: true next to it");
        AgentConfig acknowledged = parse(Map.of(), """
                registries:
                  registry.internal:5000: {insecure: true, insecure_acknowledged: true}
                """ + SERVICES);
        assertThat(acknowledged.registries().get("registry.internal:5000").insecure())
                .isTrue();
    }

    @Test
    void tokenHostsAreRead() {
        AgentConfig config = parse(Map.of(), """
                registries:
                  registry.internal:5000: {token_hosts: [Auth.Internal, "sso.internal:8443"]}
                """ + SERVICES);
        assertThat(config.registries().get("registry.internal:5000").tokenHosts())
                .containsExactly("auth.internal", "sso.internal:8443");
        assertThat(problems(Map.of(), """
                registries:
                  registry.internal:5000: {token_hosts: ["https://auth.internal/token"]}
                """ + SERVICES))
                .singleElement()
                .asString()
                .contains("token_hosts[0]")
                .contains("is not a host name");
    }

    @Test
    void dockerOverPlainTcpNeedsTlsOrAnAcknowledgement() {
        assertThat(problems(Map.of(), "docker: {host: \"tcp://10.0.0.5:2375\"}\n" + SERVICES))
                .containsExactly("agent.yml:1: docker.host: tcp://10.0.0.5:2375 is plain TCP without TLS: anyone who "
                        + "reaches the port controls the host; expected a unix socket, DOCKER_TLS_VERIFY=1 with "
                        + "DOCKER_CERT_PATH, or docker.insecure_tcp_acknowledged: true");
        assertThat(problems(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2375"), SERVICES))
                .singleElement()
                .asString()
                .contains("plain TCP without TLS");
        assertThat(parse(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376", "DOCKER_TLS_VERIFY", "1"), SERVICES)
                        .docker()
                        .host())
                .isEqualTo("tcp://10.0.0.5:2376");
        assertThat(parse(
                                Map.of(),
                                "docker: {host: \"tcp://127.0.0.1:2375\", insecure_tcp_acknowledged: true}\n"
                                        + SERVICES)
                        .docker()
                        .host())
                .isEqualTo("tcp://127.0.0.1:2375");
    }

    @Test
    void aShortTriggerTokenIsRefusedWithHowToMakeOne() {
        List<String> problems =
                problems(Map.of("TOKEN", "hunter2-short"), "http: {trigger_token_env: TOKEN}\n" + SERVICES);
        assertThat(problems)
                .containsExactly("agent.yml:1: http.trigger_token_env: the trigger token has 13 characters; expected "
                        + "at least 32 random ones, e.g. from: openssl rand -hex 32");
        assertThat(parse(Map.of("TOKEN", LONG_TOKEN), "http: {trigger_token_env: TOKEN}\n" + SERVICES)
                        .http()
                        .triggerToken())
                .isPresent();
    }

    @Test
    void theApprovalKeyIsASecretOfTheSameLengthAndLinksPointAtThePublicUrl() {
        assertThat(problems(Map.of("KEY", "short"), "http: {approval_key_env: KEY}\n" + SERVICES))
                .containsExactly("agent.yml:1: http.approval_key_env: the approval key has 5 characters; expected "
                        + "at least 32 random ones, e.g. from: openssl rand -hex 32");
        assertThat(problems(Map.of(), "http: {approval_key: " + LONG_TOKEN + "}\n" + SERVICES))
                .singleElement()
                .asString()
                .contains("inline secrets are refused")
                .doesNotContain(LONG_TOKEN);
        assertThat(problems(Map.of(), "http: {public_url: \"deploy.example.com\"}\n" + SERVICES))
                .singleElement()
                .asString()
                .contains("http.public_url: 'deploy.example.com' is not a base URL");

        HttpConfig http = parse(
                        Map.of("KEY", LONG_TOKEN),
                        "http: {approval_key_env: KEY, public_url: \"https://deploy.example.com/\"}\n" + SERVICES)
                .http();
        assertThat(http.approvalKey()).isPresent();
        assertThat(http.baseUrl()).isEqualTo("https://deploy.example.com");
        assertThat(new HttpConfig("0.0.0.0", 8686, java.util.Optional.empty()).baseUrl())
                .isEqualTo("http://127.0.0.1:8686");
    }

    @Test
    void aPlainHttpWebhookOffLoopbackNeedsAnAcknowledgement() {
        Map<String, String> env = new HashMap<>(Map.of("HOOK", "http://chat.example.com/hooks/T0K3N-in-path"));
        List<String> problems =
                problems(env, "notifications:\n  webhooks: [{url_env: HOOK, format: slack}]\n" + SERVICES);
        assertThat(problems)
                .singleElement()
                .asString()
                .contains("plain http://")
                .doesNotContain("T0K3N");
        assertThat(parse(
                                env,
                                "notifications:\n  webhooks: [{url_env: HOOK, format: slack, plain_http_acknowledged: "
                                        + "true}]\n" + SERVICES)
                        .notifications()
                        .webhooks())
                .hasSize(1);
        env.put("HOOK", "http://127.0.0.1:9000/relay");
        assertThat(parse(env, "notifications:\n  webhooks: [{url_env: HOOK, format: slack}]\n" + SERVICES)
                        .notifications()
                        .webhooks())
                .hasSize(1);
    }

    @Test
    void listeningOffLoopbackWithoutAReadTokenIsRefused() {
        for (String listen : List.of("0.0.0.0:8686", ":8686", "10.0.0.5:8686", "[::]:8686")) {
            assertThat(problems(Map.of(), "http: {listen: \"" + listen + "\"}\n" + SERVICES))
                    .as(listen)
                    .singleElement()
                    .asString()
                    .startsWith("agent.yml:1: http.listen: ")
                    .contains("off loopback", "http.read_token_env", "openssl rand -hex 32");
        }
        HttpConfig http = parse(
                        Map.of("READ", LONG_TOKEN),
                        "http: {listen: \"0.0.0.0:8686\", read_token_env: READ, allowed_hosts: [agent.example.com]}\n"
                                + SERVICES)
                .http();
        assertThat(http.readToken()).isPresent();
        assertThat(http.allowedHosts()).containsExactly("agent.example.com");
        // Loopback without a read token stays open, as before.
        assertThat(parse(Map.of(), "http: {listen: \"127.0.0.1:8686\"}\n" + SERVICES)
                        .http()
                        .readToken())
                .isEmpty();
    }

    @Test
    void aShortReadTokenOrAMalformedAllowedHostIsRefusedWithoutEchoingTheToken() {
        assertThat(problems(
                        Map.of("READ", "short-read-token"),
                        "http: {read_token_env: READ, allowed_hosts: [\"http://x/\"]}\n" + SERVICES))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("http.read_token_env", "16 characters"))
                .anySatisfy(p -> assertThat(p).contains("http.allowed_hosts[0]"))
                .noneSatisfy(p -> assertThat(p).contains("short-read-token"));
    }

    @Test
    void aHostHookPassesOnlyNamedVariablesAndASecretPastedIntoPassEnvIsNotEchoed() {
        String hooks = "services:\n  web:\n    image: registry.internal:5000/acme/app\n    hooks:\n      pre_update: ";
        HookConfig hook = parse(Map.of(), hooks + "{host: [/usr/local/bin/backup], pass_env: [PGPASSFILE]}\n")
                .service("web")
                .orElseThrow()
                .policy()
                .preUpdate()
                .orElseThrow();
        assertThat(hook.passEnvWithBase()).containsExactly("PATH", "HOME", "LANG", "TZ", "PGPASSFILE");

        assertThat(problems(Map.of(), hooks + "{host: [backup], pass_env: [\"s3cr3t-pasted value\"]}\n"))
                .singleElement()
                .asString()
                .contains("pass_env[0]")
                .doesNotContain("s3cr3t");
        assertThat(problems(Map.of(), hooks + "{exec: [pg_dump], pass_env: [PGPASSFILE]}\n"))
                .singleElement()
                .asString()
                .contains("pass_env only applies to a host hook");
    }

    @Test
    void smtpLoginWithoutTlsOffLoopbackNeedsAnAcknowledgement() {
        Map<String, String> env = Map.of("SMTP_PASSWORD", "smtp-S3cret-password");
        String email =
                "notifications:\n  email: {host: %s, security: none, username: bot, password_env: SMTP_PASSWORD, "
                        + "from: a@example.com, to: [b@example.com]%s}\n";
        assertThat(problems(env, email.formatted("mail.example.com", "") + SERVICES))
                .singleElement()
                .asString()
                .contains("notifications.email.security", "in the clear", "plain_auth_acknowledged")
                .doesNotContain("S3cret");
        assertThat(parse(env, email.formatted("mail.example.com", ", plain_auth_acknowledged: true") + SERVICES)
                        .notifications()
                        .email())
                .isPresent();
        assertThat(parse(env, email.formatted("127.0.0.1", "") + SERVICES)
                        .notifications()
                        .email())
                .isPresent();
    }
}
