package io.redeploy.survey.repo;

import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import io.redeploy.survey.domain.SurveySummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Surveys with their questions and options. */
public final class SurveyRepository {
    private static final String SURVEY_COLUMNS =
            "id, owner_id, slug, title, description, status, created_at, published_at";

    private final Jdbc jdbc;

    public SurveyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public long create(long ownerId, String slug, String title, String description) {
        return jdbc.insert(
                "INSERT INTO surveys (owner_id, slug, title, description) VALUES (?, ?, ?, ?)",
                ownerId,
                slug,
                title,
                description);
    }

    public Optional<Survey> findById(long id) {
        return jdbc.queryOne("SELECT " + SURVEY_COLUMNS + " FROM surveys WHERE id = ?", this::survey, id)
                .map(this::withQuestions);
    }

    public Optional<Survey> findBySlug(String slug) {
        return jdbc.queryOne("SELECT " + SURVEY_COLUMNS + " FROM surveys WHERE slug = ?", this::survey, slug)
                .map(this::withQuestions);
    }

    public List<SurveySummary> listByOwner(long ownerId) {
        return jdbc.query(
                """
                SELECT s.id, s.slug, s.title, s.status, s.created_at,
                       (SELECT count(*) FROM questions q WHERE q.survey_id = s.id) AS question_count,
                       (SELECT count(*) FROM responses r WHERE r.survey_id = s.id) AS response_count
                FROM surveys s WHERE s.owner_id = ? ORDER BY s.created_at DESC, s.id DESC""",
                rs -> new SurveySummary(
                        rs.getLong("id"),
                        rs.getString("slug"),
                        rs.getString("title"),
                        SurveyStatus.fromCode(rs.getString("status")),
                        Jdbc.instant(rs, "created_at"),
                        rs.getLong("question_count"),
                        rs.getLong("response_count")),
                ownerId);
    }

    /** Appends a question (and its options) after the survey's last one; returns its id. */
    public long addQuestion(long surveyId, String text, QuestionType type, boolean required, List<String> options) {
        return jdbc.inTransaction(() -> {
            int position = (int) jdbc.queryLong(
                    "SELECT coalesce(max(position), 0) + 1 FROM questions WHERE survey_id = ?", surveyId);
            long questionId = jdbc.insert(
                    "INSERT INTO questions (survey_id, position, text, type, required) VALUES (?, ?, ?, ?, ?)",
                    surveyId,
                    position,
                    text,
                    type.code(),
                    required);
            for (int i = 0; i < options.size(); i++) {
                jdbc.insert(
                        "INSERT INTO question_options (question_id, position, label) VALUES (?, ?, ?)",
                        questionId,
                        i + 1,
                        options.get(i));
            }
            return questionId;
        });
    }

    public boolean deleteQuestion(long surveyId, long questionId) {
        return jdbc.update("DELETE FROM questions WHERE id = ? AND survey_id = ?", questionId, surveyId) == 1;
    }

    public void updateStatus(long surveyId, SurveyStatus status, Instant publishedAt) {
        jdbc.update(
                "UPDATE surveys SET status = ?, published_at = coalesce(published_at, ?) WHERE id = ?",
                status.code(),
                publishedAt,
                surveyId);
    }

    public boolean slugExists(String slug) {
        return jdbc.queryLong("SELECT count(*) FROM surveys WHERE slug = ?", slug) > 0;
    }

    private Survey survey(ResultSet rs) throws SQLException {
        return new Survey(
                rs.getLong("id"),
                rs.getLong("owner_id"),
                rs.getString("slug"),
                rs.getString("title"),
                rs.getString("description"),
                SurveyStatus.fromCode(rs.getString("status")),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "published_at"),
                List.of());
    }

    private Survey withQuestions(Survey s) {
        record Row(long id, int position, String text, String type, boolean required) {}
        List<Row> rows = jdbc.query(
                "SELECT id, position, text, type, required FROM questions WHERE survey_id = ? ORDER BY position, id",
                rs -> new Row(
                        rs.getLong("id"),
                        rs.getInt("position"),
                        rs.getString("text"),
                        rs.getString("type"),
                        rs.getBoolean("required")),
                s.id());
        Map<Long, List<Choice>> options = new LinkedHashMap<>();
        jdbc.query(
                """
                SELECT o.id, o.question_id, o.position, o.label FROM question_options o
                JOIN questions q ON q.id = o.question_id WHERE q.survey_id = ? ORDER BY o.position, o.id""",
                rs -> options.computeIfAbsent(rs.getLong("question_id"), k -> new ArrayList<>())
                        .add(new Choice(rs.getLong("id"), rs.getInt("position"), rs.getString("label"))),
                s.id());
        List<Question> questions = rows.stream()
                .map(r -> new Question(
                        r.id,
                        r.position,
                        r.text,
                        QuestionType.fromCode(r.type).orElseThrow(),
                        r.required,
                        options.getOrDefault(r.id, List.of())))
                .toList();
        return new Survey(
                s.id(),
                s.ownerId(),
                s.slug(),
                s.title(),
                s.description(),
                s.status(),
                s.createdAt(),
                s.publishedAt(),
                questions);
    }
}
