package io.redeploy.survey.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.MutableClock;
import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Online password guessing against the sign-in, through the API and the form, from one and from many addresses. */
class PasswordGuessingAttackTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> apiSignIn(String address, String email, String password) {
        return new WebClient(app.baseUrl())
                .withHeader("X-Forwarded-For", address)
                .postJson("/api/session", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
    }

    @Test
    void guessesAgainstOneAccountFromManyAddressesAreBackedOff() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(apiSignIn("192.0.2." + (i + 1), TestApp.ADMIN_EMAIL, "guess-" + i)
                    .statusCode());
        }
        assertThat(statuses.stream().filter(s -> s == 401).count())
                .as("guesses that were actually checked, of 30: %s", statuses)
                .isEqualTo(5);
        assertThat(statuses.subList(5, 30)).allMatch(s -> s == 429);

        // While the account is backed off even the right password is not checked: no oracle for the attacker.
        HttpResponse<String> blocked = apiSignIn("192.0.2.99", TestApp.ADMIN_EMAIL, TestApp.ADMIN_PASSWORD);
        assertThat(blocked.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 900L);
        assertThat(blocked.body()).contains("Too many");

        // The form says the same, on the sign-in page.
        HttpResponse<String> form = new WebClient(app.baseUrl())
                .withHeader("X-Forwarded-For", "192.0.2.98")
                .postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD);
        assertThat(form.statusCode()).isEqualTo(429);
        assertThat(form.body()).contains("Too many").contains("<h1>Sign in</h1>");

        CLOCK.advance(Duration.ofSeconds(retryAfter));
        assertThat(apiSignIn("192.0.2.97", TestApp.ADMIN_EMAIL, TestApp.ADMIN_PASSWORD)
                        .statusCode())
                .as("the owner gets in once the back-off has passed")
                .isEqualTo(200);
        assertThat(apiSignIn("192.0.2.96", TestApp.ADMIN_EMAIL, "wrong again").statusCode())
                .as("a success resets the account's count")
                .isEqualTo(401);
    }

    @Test
    void guessesFromOneAddressAcrossAccountsAreBackedOff() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            statuses.add(apiSignIn("198.51.100.50", "victim" + i + "@example.test", "Summer2026!")
                    .statusCode());
        }
        assertThat(statuses.stream().filter(s -> s == 401).count())
                .as("guesses checked from one address, of 40: %s", statuses)
                .isEqualTo(20);
        assertThat(statuses.subList(20, 40)).allMatch(s -> s == 429);
        assertThat(apiSignIn("198.51.100.51", "victim0@example.test", "Summer2026!")
                        .statusCode())
                .as("another address is not blocked")
                .isEqualTo(401);
    }
}
