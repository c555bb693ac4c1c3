package io.redeploy.survey.domain;

import java.time.Instant;
import java.util.List;

/** One submitted response with its answers, as exported to CSV. */
public record ResponseRow(long id, Instant submittedAt, List<Answer> answers) {
    public ResponseRow {
        answers = List.copyOf(answers);
    }
}
