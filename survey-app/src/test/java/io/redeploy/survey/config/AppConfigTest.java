package io.redeploy.survey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

    @Test
    void defaultsWithDatabaseUrl() {
        AppConfig config = AppConfig.fromEnv(Map.of("DATABASE_URL", "postgres://app:s%40cret@db:5433/surveys"));
        assertThat(config.port()).isEqualTo(8000);
        assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/surveys");
        assertThat(config.database().user()).isEqualTo("app");
        assertThat(config.database().password()).isEqualTo("s@cret");
        assertThat(config.admin()).isEmpty();
        assertThat(config.signupOpen()).isFalse();
        assertThat(config.secureCookies()).isTrue();
        assertThat(config.sessionTtl()).isEqualTo(Duration.ofHours(12));
        assertThat(config.bcryptCost()).isEqualTo(12);
        SecuritySettings security = config.security();
        assertThat(security.tokenKey()).isEmpty();
        assertThat(security.trustedProxies()).map(IpRange::toString).contains("127.0.0.0/8", "172.16.0.0/12");
        assertThat(security.responsesPerHourPerAddress()).isEqualTo(120);
        assertThat(security.responsesPerMinutePerSurvey()).isEqualTo(120);
        assertThat(security.signUpsPerHourPerAddress()).isEqualTo(10);
        assertThat(security.passwordHashingSlots()).isPositive();
    }

    @Test
    void securitySettingsFromEnvironment() {
        SecuritySettings security = AppConfig.fromEnv(Map.of(
                        "DB_HOST",
                        "db",
                        "DB_USER",
                        "u",
                        "SURVEY_TOKEN_KEY",
                        "k".repeat(32),
                        "TRUSTED_PROXIES",
                        " 192.168.5.2 , fd00::/8",
                        "RESPONSES_PER_HOUR_PER_ADDRESS",
                        "7",
                        "RESPONSES_PER_MINUTE_PER_SURVEY",
                        "8",
                        "SIGNUPS_PER_HOUR_PER_ADDRESS",
                        "9",
                        "PASSWORD_HASHING_SLOTS",
                        "3"))
                .security();
        assertThat(security.tokenKey()).contains("k".repeat(32));
        assertThat(security.toString()).doesNotContain("kkkk");
        assertThat(security.trustedProxies())
                .map(IpRange::toString)
                .containsExactly("192.168.5.2/32", "fd00:0:0:0:0:0:0:0/8");
        assertThat(security.responsesPerHourPerAddress()).isEqualTo(7);
        assertThat(security.responsesPerMinutePerSurvey()).isEqualTo(8);
        assertThat(security.signUpsPerHourPerAddress()).isEqualTo(9);
        assertThat(security.passwordHashingSlots()).isEqualTo(3);
        assertThat(AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "TRUSTED_PROXIES", "none"))
                        .security()
                        .trustedProxies())
                .isEmpty();
    }

    @Test
    void badSecuritySettingsNameTheirVariableButNotTheKey() {
        assertThatThrownBy(() ->
                        AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "SURVEY_TOKEN_KEY", "short-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SURVEY_TOKEN_KEY")
                .hasMessageNotContaining("short-secret");
        for (String proxies : new String[] {"proxy.example", "10.0.0.0/33", "10.0.0.0/x", "300.1.1.1"}) {
            assertThatThrownBy(() ->
                            AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "TRUSTED_PROXIES", proxies)))
                    .as(proxies)
                    .hasMessageContaining("TRUSTED_PROXIES");
        }
        assertThatThrownBy(
                        () -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "PASSWORD_HASHING_SLOTS", "0")))
                .hasMessageContaining("PASSWORD_HASHING_SLOTS");
        assertThatThrownBy(() -> AppConfig.fromEnv(
                        Map.of("DB_HOST", "db", "DB_USER", "u", "RESPONSES_PER_HOUR_PER_ADDRESS", "lots")))
                .hasMessageContaining("RESPONSES_PER_HOUR_PER_ADDRESS");
    }

    @Test
    void databaseUrlDefaultsPortAndDatabaseAndKeepsQuery() {
        DatabaseSettings s = DatabaseSettings.fromEnv(Map.of("DATABASE_URL", "postgresql://u:p@db?sslmode=require"));
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/survey?sslmode=require");
    }

    @Test
    void jdbcUrlWithSeparateCredentials() {
        DatabaseSettings s = DatabaseSettings.fromEnv(
                Map.of("DATABASE_URL", "jdbc:postgresql://db/x", "DB_USER", "u", "DB_PASSWORD", "p"));
        assertThat(s).isEqualTo(new DatabaseSettings("jdbc:postgresql://db/x", "u", "p"));
    }

    @Test
    void hostVariables() {
        DatabaseSettings s = DatabaseSettings.fromEnv(
                Map.of("DB_HOST", "db", "DB_NAME", "survey", "DB_USER", "survey", "DB_PASSWORD", "pw"));
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/survey");
        assertThat(s.toString()).doesNotContain("pw").contains("****");
    }

    @Test
    void everythingFromEnvironment() {
        AppConfig config = AppConfig.fromEnv(Map.of(
                "DB_HOST",
                "db",
                "DB_USER",
                "u",
                "PORT",
                "0",
                "SURVEY_ADMIN_EMAIL",
                "a@b.c",
                "SURVEY_ADMIN_PASSWORD",
                "topsecret1",
                "SURVEY_SIGNUP_OPEN",
                "true",
                "COOKIE_SECURE",
                "false",
                "SESSION_TTL_HOURS",
                "2",
                "BCRYPT_COST",
                "10"));
        assertThat(config.port()).isZero();
        assertThat(config.admin()).map(AppConfig.AdminAccount::email).contains("a@b.c");
        assertThat(config.admin().orElseThrow().toString()).doesNotContain("topsecret1");
        assertThat(config.signupOpen()).isTrue();
        assertThat(config.secureCookies()).isFalse();
        assertThat(config.sessionTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(config.bcryptCost()).isEqualTo(10);
    }

    @Test
    void missingDatabaseIsReported() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL");
    }

    @Test
    void hostWithoutUserIsReported() {
        assertThatThrownBy(() -> DatabaseSettings.fromEnv(Map.of("DB_HOST", "db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DB_USER");
    }

    @Test
    void badValuesNameTheirVariableButNotTheSecret() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DATABASE_URL", "mysql://u:hunter2@db/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "PORT", "http")))
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "DB_PORT", "70000")))
                .hasMessageContaining("DB_PORT");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "COOKIE_SECURE", "maybe")))
                .hasMessageContaining("COOKIE_SECURE");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "BCRYPT_COST", "3")))
                .hasMessageContaining("BCRYPT_COST");
        assertThatThrownBy(
                        () -> AppConfig.fromEnv(Map.of("DB_HOST", "db", "DB_USER", "u", "SURVEY_ADMIN_EMAIL", "a@b.c")))
                .hasMessageContaining("SURVEY_ADMIN_PASSWORD");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("DATABASE_URL", "postgres://")))
                .isInstanceOf(ConfigException.class);
    }
}
