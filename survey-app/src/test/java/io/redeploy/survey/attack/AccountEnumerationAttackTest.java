package io.redeploy.survey.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-up probed to learn which emails have accounts, and sign-up with the passwords everyone tries first. */
class AccountEnumerationAttackTest {
    private static TestApp app;
    private static int address;

    @BeforeAll
    static void start() {
        // A realistic hashing cost, so that a path that skipped hashing would stand out in the timing.
        app = TestApp.start(Map.of("SURVEY_SIGNUP_OPEN", "true", "BCRYPT_COST", "10"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static WebClient client() {
        address++;
        return new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "203.0.113." + address);
    }

    record Probe(int status, String location, String body, List<String> cookies, long nanos) {}

    private static Probe signUp(String email) {
        WebClient client = client();
        client.get("/signup");
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.postForm("/signup", "email", email, "password", "a fine long passphrase");
        long nanos = System.nanoTime() - t0;
        List<String> cookieNames = r.headers().allValues("Set-Cookie").stream()
                .map(h -> h.split("=", 2)[0])
                .sorted()
                .toList();
        return new Probe(
                r.statusCode(),
                r.headers().firstValue("Location").orElse(""),
                r.body().replace(email, "EMAIL"),
                cookieNames,
                nanos);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void signUpAnswersTheSameForTakenAndFreeEmails() {
        List<Long> taken = new ArrayList<>();
        List<Long> free = new ArrayList<>();
        Probe takenProbe = null;
        Probe freeProbe = null;
        for (int i = 0; i < 9; i++) {
            takenProbe = signUp(TestApp.ADMIN_EMAIL);
            freeProbe = signUp("new-" + UUID.randomUUID() + "@example.test");
            taken.add(takenProbe.nanos());
            free.add(freeProbe.nanos());
        }
        assertThat(takenProbe.status()).as("status").isEqualTo(freeProbe.status());
        assertThat(takenProbe.location()).as("redirect").isEqualTo(freeProbe.location());
        assertThat(takenProbe.body()).as("body").isEqualTo(freeProbe.body());
        assertThat(takenProbe.cookies()).as("cookies set").isEqualTo(freeProbe.cookies());
        long takenMs = median(taken) / 1_000_000;
        long freeMs = median(free) / 1_000_000;
        System.out.printf("sign-up timing: taken median=%dms free median=%dms%n", takenMs, freeMs);
        assertThat(Math.abs(takenMs - freeMs))
                .as("median sign-up time, taken %d ms vs free %d ms", takenMs, freeMs)
                .isLessThan(Math.max(15, Math.max(takenMs, freeMs) / 2));

        // The admin's password is unchanged and the new accounts work: nothing was lost to the uniform answer.
        assertThat(client().postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD)
                        .statusCode())
                .isEqualTo(303);
    }

    @Test
    void theCommonestPasswordsAreRefused() {
        List<String> accepted = new ArrayList<>();
        for (String password : List.of(
                "password1", "1234567890", "qwertyuiop", "1q2w3e4r5t", "PASSWORD123", "iloveyou12", "123456789a")) {
            HttpResponse<String> r = client().postForm(
                            "/signup", "email", "common-" + UUID.randomUUID() + "@example.test", "password", password);
            if (r.statusCode() != 422) {
                accepted.add(password + " -> " + r.statusCode());
            }
        }
        assertThat(accepted).as("common passwords that were accepted").isEmpty();
        HttpResponse<String> r = client().postForm(
                        "/signup", "email", "common-" + UUID.randomUUID() + "@example.test", "password", "qwertyuiop");
        assertThat(r.body()).contains("too common");
        HttpResponse<String> own =
                client().postForm("/signup", "email", "me.myself@example.test", "password", "me.myself@example.test");
        assertThat(own.statusCode()).as("the email as password").isEqualTo(422);
    }
}
