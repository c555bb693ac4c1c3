package io.redeploy.survey.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.ResponseRow;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.repo.ResponseRepository;
import io.redeploy.survey.repo.SecretRepository;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.SurveyRepository;
import io.redeploy.survey.repo.UserRepository;
import io.redeploy.survey.support.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RepositoryTest {
    private static TestDatabase db;
    private static Jdbc jdbc;
    private static UserRepository users;
    private static SessionRepository sessions;
    private static SurveyRepository surveys;
    private static ResponseRepository responses;

    @BeforeAll
    static void migrate() {
        db = TestDatabase.create();
        Database.flyway(db.dataSource(), null).migrate();
        jdbc = new Jdbc(db.dataSource());
        users = new UserRepository(jdbc);
        sessions = new SessionRepository(jdbc);
        surveys = new SurveyRepository(jdbc);
        responses = new ResponseRepository(jdbc);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static User newUser() {
        return users.create("u" + UUID.randomUUID() + "@example.test", "hash");
    }

    @Test
    void aSecretIsCreatedOnceAndThenSharedByWhoeverAsks() throws Exception {
        byte[] first = "first-candidate-32-bytes-long!!!".getBytes();
        byte[] second = "other-candidate-32-bytes-long!!!".getBytes();
        assertThat(new SecretRepository(jdbc).getOrCreate("k", first)).isEqualTo(first);
        assertThat(new SecretRepository(jdbc).getOrCreate("k", second)).isEqualTo(first);

        // Instances starting at the same moment: all agree on one value.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<byte[]>> racing = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] candidate = ("racing-candidate-" + i).getBytes();
                racing.add(pool.submit(() -> new SecretRepository(jdbc).getOrCreate("race", candidate)));
            }
            byte[] winner = racing.get(0).get();
            for (var f : racing) {
                assertThat(f.get()).isEqualTo(winner);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void createUnlessTakenInsertsOnlyFreeEmails() {
        User created = users.createUnlessTaken("Free@example.test", "h1").orElseThrow();
        assertThat(users.findByEmail("free@example.test")).contains(created);
        assertThat(users.createUnlessTaken("FREE@example.test", "h2")).isEmpty();
        assertThat(users.findByEmail("free@example.test").orElseThrow().passwordHash())
                .isEqualTo("h1");
    }

    @Test
    void usersAreFoundByEmailIgnoringCaseAndEmailsAreUnique() {
        User user = users.create("Mixed.Case@Example.test", "hash");
        assertThat(users.findByEmail("mixed.case@example.TEST")).contains(user);
        assertThat(users.findById(user.id())).contains(user);
        assertThat(users.findByEmail("nobody@example.test")).isEmpty();
        assertThatThrownBy(() -> users.create("MIXED.case@example.test", "other"))
                .isInstanceOfSatisfying(
                        DataAccessException.class,
                        e -> assertThat(e.isUniqueViolation()).isTrue());
    }

    @Test
    void sessionsExpire() {
        User user = newUser();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        sessions.create("token-hash-1", user.id(), now.plusSeconds(60));
        assertThat(sessions.findUserId("token-hash-1", now)).contains(user.id());
        assertThat(sessions.findUserId("token-hash-1", now.plusSeconds(60))).isEmpty();
        assertThat(sessions.deleteExpired(now.plusSeconds(61))).isGreaterThanOrEqualTo(1);
        sessions.create("token-hash-2", user.id(), now.plusSeconds(60));
        sessions.delete("token-hash-2");
        assertThat(sessions.findUserId("token-hash-2", now)).isEmpty();
    }

    @Test
    void surveysKeepQuestionAndOptionOrder() {
        User owner = newUser();
        long id = surveys.create(owner.id(), "slug-" + UUID.randomUUID(), "Title", "Desc");
        long q1 = surveys.addQuestion(id, "Pick", QuestionType.SINGLE_CHOICE, true, List.of("B", "A", "C"));
        long q2 = surveys.addQuestion(id, "Why", QuestionType.TEXT, false, List.of());

        Survey survey = surveys.findById(id).orElseThrow();
        assertThat(survey.status()).isEqualTo(SurveyStatus.DRAFT);
        assertThat(survey.questions()).extracting(q -> q.id()).containsExactly(q1, q2);
        assertThat(survey.questions().get(0).options())
                .extracting(c -> c.label())
                .containsExactly("B", "A", "C");
        assertThat(surveys.findBySlug(survey.slug())).contains(survey);

        assertThat(surveys.deleteQuestion(id, q1)).isTrue();
        assertThat(surveys.deleteQuestion(id, q1)).isFalse();
        long q3 = surveys.addQuestion(id, "Rate", QuestionType.RATING, false, List.of());
        assertThat(surveys.findById(id).orElseThrow().questions())
                .extracting(q -> q.id())
                .containsExactly(q2, q3);

        surveys.updateStatus(id, SurveyStatus.PUBLISHED, Instant.parse("2026-02-02T00:00:00Z"));
        surveys.updateStatus(id, SurveyStatus.CLOSED, null);
        Survey closed = surveys.findById(id).orElseThrow();
        assertThat(closed.status()).isEqualTo(SurveyStatus.CLOSED);
        assertThat(closed.publishedAt()).isEqualTo(Instant.parse("2026-02-02T00:00:00Z"));
    }

    @Test
    void listByOwnerCountsQuestionsAndResponsesOfThatOwnerOnly() {
        User owner = newUser();
        User other = newUser();
        long id = surveys.create(owner.id(), "slug-" + UUID.randomUUID(), "Mine", "");
        surveys.create(other.id(), "slug-" + UUID.randomUUID(), "Theirs", "");
        long q = surveys.addQuestion(id, "Why", QuestionType.TEXT, false, List.of());
        responses.save(id, "r-a", List.of(Answer.text(q, "a")));
        responses.save(id, "r-b", List.of());

        assertThat(surveys.listByOwner(owner.id())).singleElement().satisfies(s -> {
            assertThat(s.title()).isEqualTo("Mine");
            assertThat(s.questionCount()).isEqualTo(1);
            assertThat(s.responseCount()).isEqualTo(2);
        });
    }

    @Test
    void responsesAreStoredWithAnswersOncePerRespondent() {
        User owner = newUser();
        long id = surveys.create(owner.id(), "slug-" + UUID.randomUUID(), "S", "");
        long choice = surveys.addQuestion(id, "Pick", QuestionType.MULTIPLE_CHOICE, false, List.of("X", "Y"));
        Survey survey = surveys.findById(id).orElseThrow();
        long x = survey.questions().get(0).options().get(0).id();
        long y = survey.questions().get(0).options().get(1).id();

        responses.save(id, "respondent-1", List.of(Answer.option(choice, x), Answer.option(choice, y)));
        assertThat(responses.exists(id, "respondent-1")).isTrue();
        assertThat(responses.exists(id, "respondent-2")).isFalse();
        assertThatThrownBy(() -> responses.save(id, "respondent-1", List.of()))
                .isInstanceOfSatisfying(
                        DataAccessException.class,
                        e -> assertThat(e.isUniqueViolation()).isTrue());

        List<ResponseRow> rows = responses.listWithAnswers(id);
        assertThat(rows)
                .singleElement()
                .satisfies(r ->
                        assertThat(r.answers()).containsExactly(Answer.option(choice, x), Answer.option(choice, y)));
        assertThat(responses.count(id)).isEqualTo(1);
    }

    @Test
    void aFailingAnswerRollsBackTheWholeResponse() {
        User owner = newUser();
        long id = surveys.create(owner.id(), "slug-" + UUID.randomUUID(), "S", "");
        long q = surveys.addQuestion(id, "Rate", QuestionType.RATING, false, List.of());
        // Rating 9 violates the CHECK constraint after the response row was inserted.
        assertThatThrownBy(() -> responses.save(id, "respondent-x", List.of(Answer.rating(q, 9))))
                .isInstanceOf(DataAccessException.class);
        assertThat(responses.exists(id, "respondent-x")).isFalse();
        assertThat(responses.count(id)).isZero();
    }
}
