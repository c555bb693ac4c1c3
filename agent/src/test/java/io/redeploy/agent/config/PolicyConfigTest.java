package io.redeploy.agent.config;

import static io.redeploy.agent.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** policy, cooldown, hooks and notifications: what binds, and the line an operator reads when it does not. */
class PolicyConfigTest {
    private static final Map<String, String> ENV = Map.of(
            "SLACK_URL",
            "https://hooks.slack.com/services/T1/B2/SECRET",
            "HOOK_KEY",
            "hmac-key",
            "SMTP_PASSWORD",
            "smtp-secret");

    private static AgentConfig load(String yaml) {
        try {
            return new ConfigLoader(ENV).parse(yaml, "agent.yml");
        } catch (ConfigException e) {
            throw new AssertionError(String.join("\n", e.problems()), e);
        }
    }

    @Test
    void defaultsAreAutoWithoutCooldownOrHooks() {
        ServiceConfig web = load("services: {web: {image: ghcr.io/acme/app}}")
                .service("web")
                .orElseThrow();

        assertThat(web.policy()).isEqualTo(UpdatePolicy.defaults());
        assertThat(web.mode()).isEqualTo(ServiceConfig.UpdateMode.AUTO);
        assertThat(load("services: {web: {image: ghcr.io/acme/app}}")
                        .notifications()
                        .isEmpty())
                .isTrue();
    }

    @Test
    void policyNotifyIsTheOldMonitorModeAndMonitorStillWorks() {
        ServiceConfig notify = load("services: {web: {image: ghcr.io/acme/app, policy: notify}}")
                .service("web")
                .orElseThrow();
        ServiceConfig monitor = load("services: {web: {image: ghcr.io/acme/app, mode: monitor}}")
                .service("web")
                .orElseThrow();

        assertThat(notify.mode()).isEqualTo(ServiceConfig.UpdateMode.MONITOR);
        assertThat(monitor.policy().kind()).isEqualTo(UpdatePolicy.Kind.NOTIFY);
    }

    @Test
    void pinMajorWithCooldownAndADumpHook() {
        ServiceConfig db = load("""
                services:
                  db:
                    image: postgres
                    tag: "16"
                    policy: pin-major
                    cooldown: 30m
                    hooks:
                      pre_update:
                        exec: ["pg_dump", "-U", "survey", "survey"]
                        timeout: 10m
                        output_dir: /var/lib/redeploy-agent/backups
                        output_extension: sql
                        keep: 3
                      post_update:
                        host: ["/usr/local/bin/after-db-upgrade"]
                """).service("db").orElseThrow();

        assertThat(db.policy().kind()).isEqualTo(UpdatePolicy.Kind.PIN_MAJOR);
        assertThat(db.mode()).isEqualTo(ServiceConfig.UpdateMode.AUTO);
        assertThat(db.policy().cooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(db.policy().preUpdate())
                .contains(HookConfig.exec(List.of("pg_dump", "-U", "survey", "survey"), Duration.ofMinutes(10))
                        .savingOutput(Path.of("/var/lib/redeploy-agent/backups"), "sql", 3));
        assertThat(db.policy().postUpdate())
                .contains(HookConfig.host(List.of("/usr/local/bin/after-db-upgrade"), HookConfig.DEFAULT_TIMEOUT));
        assertThat(db.policy().preUpdate().orElseThrow().toString()).doesNotContain("survey");
    }

    @Test
    void approveIsAPolicy() {
        ServiceConfig web = load("""
                services:
                  web:
                    image: ghcr.io/acme/web
                    policy: approve
                """).service("web").orElseThrow();

        assertThat(web.policy().kind()).isEqualTo(UpdatePolicy.Kind.APPROVE);
        assertThat(web.mode()).isEqualTo(ServiceConfig.UpdateMode.AUTO);
    }

    @Test
    void exampleFileProtectsTheSurveyDatabase() throws Exception {
        Path example = Path.of("..", "systemd", "agent.example.yml");
        AgentConfig config = new ConfigLoader(Map.of(
                        "GHCR_TOKEN",
                        "t",
                        "REDEPLOY_TRIGGER_TOKEN",
                        "t".repeat(32),
                        "POSTGRES_PASSWORD",
                        "p",
                        "SURVEY_ADMIN_EMAIL",
                        "a@example.com",
                        "SURVEY_ADMIN_PASSWORD",
                        "a"))
                .load(example);

        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(db.policy().kind()).isEqualTo(UpdatePolicy.Kind.PIN_MAJOR);
        HookConfig dump = db.policy().preUpdate().orElseThrow();
        assertThat(dump.where()).isEqualTo(HookConfig.Where.EXEC);
        assertThat(dump.command().get(0)).isEqualTo("pg_dump");
        assertThat(dump.outputDir()).contains(Path.of("/var/lib/redeploy-agent/backups"));
        assertThat(config.service("web").orElseThrow().policy().kind()).isEqualTo(UpdatePolicy.Kind.AUTO);
    }

    @Test
    void notificationsBindWebhooksAndEmail() {
        NotificationsConfig n = load("""
                services: {web: {image: ghcr.io/acme/app}}
                notifications:
                  webhooks:
                    - url: https://ops.example.com/hooks/redeploy
                      secret_env: HOOK_KEY
                      events: [deploy.rolled_back, deploy.refused]
                    - format: slack
                      url_env: SLACK_URL
                  email:
                    host: smtp.example.com
                    username: alerts
                    password_env: SMTP_PASSWORD
                    from: redeploy@example.com
                    to: [ops@example.com]
                """).notifications();

        assertThat(n.webhooks()).hasSize(2);
        NotificationsConfig.Webhook json = n.webhooks().get(0);
        assertThat(json.format()).isEqualTo(NotificationsConfig.Format.JSON);
        assertThat(json.hmacSecret().orElseThrow().reveal()).isEqualTo("hmac-key");
        assertThat(json.wants("deploy.refused")).isTrue();
        assertThat(json.wants("digest.new")).isFalse();
        NotificationsConfig.Webhook slack = n.webhooks().get(1);
        assertThat(slack.url().reveal()).endsWith("/SECRET");
        assertThat(slack.toString()).doesNotContain("SECRET");
        assertThat(slack.wants("digest.new")).isTrue();
        NotificationsConfig.Email email = n.email().orElseThrow();
        assertThat(email.port()).isEqualTo(587);
        assertThat(email.security()).isEqualTo(NotificationsConfig.SmtpSecurity.STARTTLS);
        assertThat(email.password().orElseThrow().reveal()).isEqualTo("smtp-secret");
        assertThat(email.toString()).doesNotContain("smtp-secret");
        assertThat(email.to()).containsExactly("ops@example.com");
        assertThat(email.events()).isEqualTo(Set.of());
    }

    @Test
    void badPolicySettingsAreReportedWithTheirLines() {
        assertThat(problems("""
                services:
                  db:
                    image: postgres
                    mode: monitor
                    policy: pin-majr
                    cooldown: 10
                    hooks:
                      pre_update:
                        exec: []
                        host: ["x"]
                      post_update:
                        host: ["/bin/true"]
                        keep: 3
                """))
                .satisfiesExactly(
                        p -> assertThat(p)
                                .isEqualTo("agent.yml:4: services.db.mode: both mode and policy are set; expected "
                                        + "only policy (mode: monitor is policy: notify)"),
                        p -> assertThat(p)
                                .isEqualTo("agent.yml:5: services.db.policy: 'pin-majr' is not a policy; expected "
                                        + "auto, notify, pin-major or approve"),
                        p -> assertThat(p).startsWith("agent.yml:6: services.db.cooldown: '10' is not a duration"),
                        p -> assertThat(p)
                                .isEqualTo("agent.yml:9: services.db.hooks.pre_update: both exec and host are set; "
                                        + "expected exactly one: exec (a command run inside the container) or host (a command run on "
                                        + "the host)"),
                        p -> assertThat(p)
                                .isEqualTo("agent.yml:13: services.db.hooks.post_update.keep: keep only applies to a "
                                        + "saved output; expected output_dir set too, or no keep"));
    }

    @Test
    void inlineSlackUrlsAndUnknownEventsAreRefused() {
        List<String> problems = problems("""
                services: {web: {image: ghcr.io/acme/app}}
                notifications:
                  webhooks:
                    - format: slack
                      url: https://hooks.slack.com/services/T1/B2/INLINE
                      events: [deploy.exploded]
                  email:
                    host: smtp.example.com
                    username: alerts
                    from: not-an-address
                """);

        assertThat(problems).anyMatch(p -> p.contains("notifications.webhooks[0].url: inline secrets are refused"));
        assertThat(problems).anyMatch(p -> p.contains("'deploy.exploded' is not an event"));
        assertThat(problems).anyMatch(p -> p.contains("username and password come together"));
        assertThat(problems).anyMatch(p -> p.contains("'not-an-address' is not an email address"));
        assertThat(problems).anyMatch(p -> p.contains("missing required key 'to'"));
        assertThat(String.join("\n", problems)).doesNotContain("INLINE");
    }

    @Test
    void theCompatibilityConstructorKeepsTheDefaultPolicy() {
        ServiceConfig s = load("services: {web: {image: ghcr.io/acme/app}}")
                .service("web")
                .orElseThrow();
        ServiceConfig rebuilt = ServiceConfig.builder(s.name(), s.image())
                .containerName(s.containerName())
                .mode(ServiceConfig.UpdateMode.MONITOR)
                .env(s.env())
                .ports(s.ports())
                .volumes(s.volumes())
                .network(s.network())
                .networkAliases(s.networkAliases())
                .dependsOn(s.dependsOn())
                .restartOnDependencyUpdate(s.restartOnDependencyUpdate())
                .health(s.health())
                .stopTimeout(s.stopTimeout())
                .restartPolicy(s.restartPolicy())
                .command(s.command())
                .labels(s.labels())
                .pruneOldImages(s.pruneOldImages())
                .build();

        assertThat(rebuilt.policy().kind()).isEqualTo(UpdatePolicy.Kind.NOTIFY);
        assertThat(rebuilt.withPolicy(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR))
                        .mode())
                .isEqualTo(ServiceConfig.UpdateMode.AUTO);
        assertThat(Optional.of(rebuilt.toString())).get().asString().contains("policy=");
    }
}
