package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.survey.db.Database;
import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.domain.NewQuestion;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyResults;
import io.redeploy.survey.domain.SurveyStatus;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.repo.ResponseRepository;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.SurveyRepository;
import io.redeploy.survey.repo.UserRepository;
import io.redeploy.survey.support.MutableClock;
import io.redeploy.survey.support.TestDatabase;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The services against the real database: rules, ownership, sessions and aggregation. */
class ServicesTest {
    private static TestDatabase db;
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private static AuthService auth;
    private static SurveyService surveys;
    private static ResponseService responses;
    private static ResultsService results;
    private static RespondentTokens respondentTokens;
    private static final String CLIENT = "192.0.2.1";

    @BeforeAll
    static void wire() {
        db = TestDatabase.create();
        Database.flyway(db.dataSource(), null).migrate();
        Jdbc jdbc = new Jdbc(db.dataSource());
        Tokens tokens = new Tokens(new SecureRandom());
        auth = new AuthService(
                new UserRepository(jdbc),
                new SessionRepository(jdbc),
                new PasswordHasher(4, 2),
                PasswordPolicy.standard(),
                new SignInThrottle(100, clock),
                tokens,
                clock,
                Duration.ofHours(1));
        surveys = new SurveyService(new SurveyRepository(jdbc), jdbc, tokens, clock);
        ResponseRepository responseRepository = new ResponseRepository(jdbc);
        respondentTokens = new RespondentTokens(new byte[32], new SecureRandom());
        responses = new ResponseService(
                surveys, responseRepository, respondentTokens, new SubmissionLimits(1000, 1000, clock));
        results = new ResultsService(surveys, responseRepository);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static Optional<User> signIn(String email, String password) {
        return auth.authenticate(email, password, CLIENT);
    }

    private static User newUser() {
        return auth.register("user-" + UUID.randomUUID() + "@example.test", "long enough password");
    }

    @Test
    void registrationChecksEmailPasswordAndDuplicates() {
        assertThatThrownBy(() -> auth.register("not-an-email", "short"))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("email", "password"));
        assertThatThrownBy(() -> auth.register("a@example.test", "é".repeat(40)))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("password"));
        User user = auth.register("  dup@example.test ", "long enough password");
        assertThat(user.email()).isEqualTo("dup@example.test");
        assertThat(user.passwordHash()).startsWith("$2a$04$").doesNotContain("long enough");
        assertThatThrownBy(() -> auth.register("DUP@example.test", "another password"))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("email"));
    }

    @Test
    void authenticationAcceptsOnlyTheRightPassword() {
        User user = newUser();
        assertThat(signIn(user.email().toUpperCase(), "long enough password")).contains(user);
        assertThat(signIn(user.email(), "wrong password")).isEmpty();
        assertThat(signIn("nobody@example.test", "long enough password")).isEmpty();
        assertThat(signIn(null, null)).isEmpty();
        assertThat(signIn(user.email(), "x".repeat(100))).isEmpty();
    }

    @Test
    void signUpHidesTakenEmailsAndThePolicyRefusesCommonPasswords() {
        User existing = newUser();
        auth.signUp(existing.email().toUpperCase(), "a brand new password", CLIENT);
        assertThat(signIn(existing.email(), "long enough password"))
                .as("unchanged")
                .isPresent();
        assertThat(signIn(existing.email(), "a brand new password")).isEmpty();
        auth.signUp("fresh@example.test", "a brand new password", CLIENT);
        assertThat(signIn("fresh@example.test", "a brand new password")).isPresent();

        assertThatThrownBy(() -> auth.signUp("x@example.test", "QwertyUiop", CLIENT))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors().get("password")).contains("too common"));
        assertThatThrownBy(() -> auth.signUp("x@example.test", "nine char", CLIENT))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors().get("password")).contains("at least 10"));
        assertThatThrownBy(() -> auth.ensureAccount("root@example.test", "1234567890"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SURVEY_ADMIN_PASSWORD")
                .hasMessageContaining("too common")
                .hasMessageNotContaining("1234567890");
        assertThat(PasswordPolicy.standard().size()).isGreaterThan(1500);
    }

    @Test
    void ensureAccountCreatesOnceAndKeepsTheExistingPassword() {
        auth.ensureAccount("boot@example.test", "first password");
        auth.ensureAccount("boot@example.test", "second password");
        assertThat(signIn("boot@example.test", "first password")).isPresent();
        assertThat(signIn("boot@example.test", "second password")).isEmpty();
    }

    @Test
    void sessionsLastTheirTtlAndEndOnSignOut() {
        User user = newUser();
        String token = auth.startSession(user);
        assertThat(auth.userForSession(token)).contains(user);
        assertThat(auth.userForSession("forged")).isEmpty();
        assertThat(auth.userForSession(null)).isEmpty();
        clock.advance(Duration.ofMinutes(59));
        assertThat(auth.userForSession(token)).contains(user);
        clock.advance(Duration.ofMinutes(2));
        assertThat(auth.userForSession(token)).isEmpty();

        String second = auth.startSession(user);
        auth.endSession(second);
        assertThat(auth.userForSession(second)).isEmpty();
    }

    @Test
    void surveyInputIsValidated() {
        User owner = newUser();
        assertThatThrownBy(() -> surveys.create(owner.id(), " ", "x".repeat(2001)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors()).containsOnlyKeys("title", "description"));
        Survey survey = surveys.create(owner.id(), "Title", null);
        assertThatThrownBy(() -> surveys.addQuestion(
                        owner.id(),
                        survey.id(),
                        new NewQuestion("Pick", "single_choice", false, List.of("only one", " "))))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("options"));
        assertThatThrownBy(() -> surveys.addQuestion(
                        owner.id(),
                        survey.id(),
                        new NewQuestion("Pick", "multiple_choice", false, List.of("Same", "same"))))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> surveys.addQuestion(
                        owner.id(), survey.id(), new NewQuestion("Why", "text", false, List.of("an option"))))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() ->
                        surveys.addQuestion(owner.id(), survey.id(), new NewQuestion("", "essay", false, List.of())))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("text", "type"));
        assertThat(surveys.get(owner.id(), survey.id()).questions()).isEmpty();
    }

    @Test
    void createWithQuestionsIsAllOrNothing() {
        User owner = newUser();
        assertThatThrownBy(() -> surveys.createWithQuestions(
                        owner.id(),
                        "T",
                        "",
                        List.of(
                                new NewQuestion("Fine", "text", false, List.of()),
                                new NewQuestion("Broken", "single_choice", false, List.of()))))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors()).containsOnlyKeys("questions[1].options"));
        assertThat(surveys.list(owner.id())).isEmpty();
    }

    @Test
    void lifecycleDraftPublishedClosed() {
        User owner = newUser();
        Survey survey = surveys.create(owner.id(), "Lifecycle", "");
        assertThatThrownBy(() -> surveys.publish(owner.id(), survey.id())).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> surveys.close(owner.id(), survey.id())).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> surveys.findPublic(survey.slug())).isInstanceOf(NotFoundException.class);

        Survey withQuestion = surveys.addQuestion(owner.id(), survey.id(), new NewQuestion("Q", "text", true, null));
        Survey published = surveys.publish(owner.id(), survey.id());
        assertThat(published.status()).isEqualTo(SurveyStatus.PUBLISHED);
        assertThat(published.publishedAt()).isEqualTo(clock.instant());
        assertThatThrownBy(
                        () -> surveys.addQuestion(owner.id(), survey.id(), new NewQuestion("Q2", "text", true, null)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> surveys.deleteQuestion(
                        owner.id(), survey.id(), withQuestion.questions().get(0).id()))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> surveys.publish(owner.id(), survey.id())).isInstanceOf(ConflictException.class);

        assertThat(surveys.findPublic(survey.slug()).id()).isEqualTo(survey.id());
        responses.submit(
                survey.slug(),
                respondentTokens.issue(),
                CLIENT,
                Map.of(withQuestion.questions().get(0).id(), List.of("hello")));
        surveys.close(owner.id(), survey.id());
        assertThatThrownBy(() -> responses.submit(
                        survey.slug(),
                        respondentTokens.issue(),
                        CLIENT,
                        Map.of(withQuestion.questions().get(0).id(), List.of("late"))))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("closed");
        assertThat(results.results(owner.id(), survey.id()).responseCount()).isEqualTo(1);
    }

    @Test
    void surveysOfOthersDoNotExistForYou() {
        User owner = newUser();
        User stranger = newUser();
        Survey survey = surveys.create(owner.id(), "Private", "");
        assertThatThrownBy(() -> surveys.get(stranger.id(), survey.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> results.results(stranger.id(), survey.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> results.csv(stranger.id(), survey.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() ->
                        surveys.addQuestion(stranger.id(), survey.id(), new NewQuestion("Q", "text", false, null)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> surveys.deleteQuestion(owner.id(), survey.id(), 999_999))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void oneResponsePerRespondentAndResultsAggregate() {
        User owner = newUser();
        Survey survey = surveys.createWithQuestions(
                owner.id(),
                "Poll",
                "",
                List.of(
                        new NewQuestion("Colour", "single_choice", true, List.of("Red", "Blue")),
                        new NewQuestion("Pets", "multiple_choice", false, List.of("Cat", "Dog")),
                        new NewQuestion("Score", "rating", false, null),
                        new NewQuestion("Comment", "text", false, null)));
        surveys.publish(owner.id(), survey.id());
        long colour = survey.questions().get(0).id();
        long pets = survey.questions().get(1).id();
        long score = survey.questions().get(2).id();
        long comment = survey.questions().get(3).id();
        String red = String.valueOf(survey.questions().get(0).options().get(0).id());
        String blue = String.valueOf(survey.questions().get(0).options().get(1).id());
        String cat = String.valueOf(survey.questions().get(1).options().get(0).id());
        String dog = String.valueOf(survey.questions().get(1).options().get(1).id());

        String alice = respondentTokens.issue();
        responses.submit(
                survey.slug(),
                alice,
                CLIENT,
                Map.of(colour, List.of(red), pets, List.of(cat, dog), score, List.of("4"), comment, List.of("Nice")));
        responses.submit(
                survey.slug(), respondentTokens.issue(), CLIENT, Map.of(colour, List.of(blue), score, List.of("2")));
        responses.submit(
                survey.slug(), respondentTokens.issue(), CLIENT, Map.of(colour, List.of(red), pets, List.of(dog)));
        assertThatThrownBy(() -> responses.submit(survey.slug(), alice, CLIENT, Map.of(colour, List.of(blue))))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> responses.submit(survey.slug(), respondentTokens.issue(), CLIENT, Map.of()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> responses.submit(survey.slug(), " ", CLIENT, Map.of(colour, List.of(red))))
                .isInstanceOf(RespondentRejectedException.class);
        assertThatThrownBy(() -> responses.submit(survey.slug(), "alice", CLIENT, Map.of(colour, List.of(red))))
                .as("a token the client made up")
                .isInstanceOf(RespondentRejectedException.class);
        assertThatThrownBy(() -> responses.submit("no-such-slug", respondentTokens.issue(), CLIENT, Map.of()))
                .isInstanceOf(NotFoundException.class);
        assertThat(responses.hasResponded(survey, alice)).isTrue();
        assertThat(responses.hasResponded(survey, respondentTokens.issue())).isFalse();

        SurveyResults r = results.results(owner.id(), survey.id());
        assertThat(r.responseCount()).isEqualTo(3);
        assertThat(r.questions().get(0).counts())
                .extracting(c -> c.label() + "=" + c.count() + "/" + c.percent())
                .containsExactly("Red=2/67", "Blue=1/33");
        assertThat(r.questions().get(1).answeredBy()).isEqualTo(2);
        assertThat(r.questions().get(1).counts())
                .extracting(c -> c.label() + "=" + c.count() + "/" + c.percent())
                .containsExactly("Cat=1/50", "Dog=2/100");
        assertThat(r.questions().get(2).averageRating()).isEqualTo(3.0);
        assertThat(r.questions().get(2).counts()).extracting(c -> c.count()).containsExactly(0L, 1L, 0L, 1L, 0L);
        assertThat(r.questions().get(3).texts()).containsExactly("Nice");

        String csv = results.csv(owner.id(), survey.id());
        assertThat(csv.split("\r\n")).hasSize(4);
        assertThat(csv).contains(",\"Red\",\"Cat; Dog\",\"4\",\"Nice\"\r\n").contains(",\"Blue\",\"\",\"2\",\"\"\r\n");
    }
}
