package io.redeploy.survey.repo;

import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.ResponseRow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Submitted responses and their answers. */
public final class ResponseRepository {
    private final Jdbc jdbc;

    public ResponseRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a response with its answers atomically. A second response with the same respondent hash
     * raises a unique violation (the database is the judge, so two concurrent posts cannot both win).
     */
    public long save(long surveyId, String respondentHash, List<Answer> answers) {
        return jdbc.inTransaction(() -> {
            long responseId = jdbc.insert(
                    "INSERT INTO responses (survey_id, respondent_hash) VALUES (?, ?)", surveyId, respondentHash);
            for (Answer a : answers) {
                jdbc.insert("""
                        INSERT INTO answers (response_id, question_id, option_id, text_value, rating)
                        VALUES (?, ?, ?, ?, ?)""", responseId, a.questionId(), a.optionId(), a.text(), a.rating());
            }
            return responseId;
        });
    }

    public boolean exists(long surveyId, String respondentHash) {
        return jdbc.queryLong(
                        "SELECT count(*) FROM responses WHERE survey_id = ? AND respondent_hash = ?",
                        surveyId,
                        respondentHash)
                > 0;
    }

    public long count(long surveyId) {
        return jdbc.queryLong("SELECT count(*) FROM responses WHERE survey_id = ?", surveyId);
    }

    /** Every response of the survey with its answers, oldest first. */
    public List<ResponseRow> listWithAnswers(long surveyId) {
        Map<Long, Instant> submitted = new LinkedHashMap<>();
        jdbc.query(
                "SELECT id, submitted_at FROM responses WHERE survey_id = ? ORDER BY submitted_at, id",
                rs -> submitted.put(rs.getLong("id"), Jdbc.instant(rs, "submitted_at")),
                surveyId);
        Map<Long, List<Answer>> answers = new LinkedHashMap<>();
        jdbc.query(
                """
                SELECT a.response_id, a.question_id, a.option_id, a.text_value, a.rating FROM answers a
                JOIN responses r ON r.id = a.response_id WHERE r.survey_id = ? ORDER BY a.id""",
                rs -> answers.computeIfAbsent(rs.getLong("response_id"), k -> new ArrayList<>())
                        .add(answer(rs)),
                surveyId);
        List<ResponseRow> rows = new ArrayList<>();
        submitted.forEach((id, at) -> rows.add(new ResponseRow(id, at, answers.getOrDefault(id, List.of()))));
        return rows;
    }

    private static Answer answer(ResultSet rs) throws SQLException {
        long questionId = rs.getLong("question_id");
        long optionId = rs.getLong("option_id");
        if (!rs.wasNull()) {
            return Answer.option(questionId, optionId);
        }
        int rating = rs.getInt("rating");
        if (!rs.wasNull()) {
            return Answer.rating(questionId, rating);
        }
        return Answer.text(questionId, rs.getString("text_value"));
    }
}
