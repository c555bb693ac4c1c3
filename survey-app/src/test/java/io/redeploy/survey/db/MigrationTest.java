package io.redeploy.survey.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.repo.ResponseRepository;
import io.redeploy.survey.repo.SurveyRepository;
import io.redeploy.survey.repo.UserRepository;
import io.redeploy.survey.support.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations on an empty database and on a database left at the previous version with data in it. */
class MigrationTest {
    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestDatabase.create();
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void emptyDatabaseIsMigratedToLatestAndAgainIsANoOp() {
        Flyway flyway = Database.flyway(db.dataSource(), null);
        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("3");
        assertThat(flyway.migrate().migrationsExecuted).isZero();

        Jdbc jdbc = new Jdbc(db.dataSource());
        List<String> tables = jdbc.query("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
                AND table_name <> 'flyway_schema_history' ORDER BY table_name""", rs -> rs.getString(1));
        assertThat(tables)
                .containsExactly(
                        "answers",
                        "app_secrets",
                        "question_options",
                        "questions",
                        "responses",
                        "sessions",
                        "surveys",
                        "users");
    }

    @Test
    void dataWrittenAtVersionOneSurvivesTheUpgrade() {
        Database.flyway(db.dataSource(), "1").migrate();
        Jdbc jdbc = new Jdbc(db.dataSource());
        // Written with plain SQL, as the V1 app would have: the V2 repositories expect the V2 schema.
        long userId = jdbc.insert("INSERT INTO users (email, password_hash) VALUES ('old@example.test', 'h')");
        long surveyId = jdbc.insert(
                "INSERT INTO surveys (owner_id, slug, title, status) VALUES (?, 'oldslug', "
                        + "'Old survey', 'published')",
                userId);
        long questionId = jdbc.insert(
                "INSERT INTO questions (survey_id, position, text, type, required) "
                        + "VALUES (?, 1, 'Rate us', 'rating', true)",
                surveyId);
        long responseId = jdbc.insert("INSERT INTO responses (survey_id, respondent_hash) VALUES (?, 'r1')", surveyId);
        jdbc.insert("INSERT INTO answers (response_id, question_id, rating) VALUES (?, ?, 4)", responseId, questionId);

        assertThat(Database.flyway(db.dataSource(), null).migrate().migrationsExecuted)
                .isEqualTo(2);

        assertThat(new UserRepository(jdbc).findByEmail("OLD@example.test")).isPresent();
        Survey survey = new SurveyRepository(jdbc).findBySlug("oldslug").orElseThrow();
        assertThat(survey.title()).isEqualTo("Old survey");
        assertThat(survey.questions())
                .singleElement()
                .satisfies(q -> assertThat(q.type()).isEqualTo(QuestionType.RATING));
        assertThat(new ResponseRepository(jdbc).listWithAnswers(surveyId))
                .singleElement()
                .satisfies(r -> assertThat(r.answers()).containsExactly(Answer.rating(questionId, 4)));
        // The V2 feature works on the upgraded data.
        new io.redeploy.survey.repo.SessionRepository(jdbc)
                .create("hash", userId, Instant.now().plusSeconds(60));
        assertThat(new io.redeploy.survey.repo.SessionRepository(jdbc).findUserId("hash", Instant.now()))
                .contains(userId);
    }
}
