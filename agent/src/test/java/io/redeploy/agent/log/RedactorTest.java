package io.redeploy.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Redactor redactor = Redactor.of(
            List.of("tok"),
            Map.of(
                            "POSTGRES_PASSWORD", "pw1",
                            "DATABASE_URL", "postgres://app:s3cr3t-pw@db/app",
                            "LOG_LEVEL", "info",
                            "PORT", "8080",
                            "SESSION_COOKIE_NAME", "survey-session")
                    .entrySet());

    @Test
    void hidesSecretsSecretNamedValuesLongValuesAndUrlPasswords() {
        assertThat(redactor.redact("tok pw1 postgres://app:s3cr3t-pw@db/app s3cr3t-pw survey-session"))
                .isEqualTo("*** *** *** *** ***");
    }

    @Test
    void leavesShortEverydayValuesReadable() {
        assertThat(redactor.redact("information on port 8080")).isEqualTo("information on port 8080");
    }

    @Test
    void capsLongReasonsSayingHowMuchWasCut() {
        String capped = Redactor.cap("x".repeat(5_000));
        int kept = capped.indexOf(" ... (");
        assertThat(capped).hasSize(Redactor.MAX_REASON_CHARS).endsWith("(" + (5_000 - kept) + " more characters cut)");
        assertThat(Redactor.cap("short")).isEqualTo("short");
    }
}
