package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.ResponseRow;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvExportTest {

    @Test
    void oneLinePerResponseWithQuotingAndJoinedChoices() {
        Survey survey = new Survey(
                1,
                1,
                "slug",
                "T",
                "",
                SurveyStatus.PUBLISHED,
                Instant.EPOCH,
                Instant.EPOCH,
                List.of(
                        new Question(10, 1, "Your name, please", QuestionType.TEXT, false, List.of()),
                        new Question(
                                11,
                                2,
                                "Fruits",
                                QuestionType.MULTIPLE_CHOICE,
                                false,
                                List.of(new Choice(100, 1, "Apple"), new Choice(101, 2, "Pear")))));
        String csv = CsvExport.write(
                survey,
                List.of(
                        new ResponseRow(
                                5,
                                Instant.parse("2026-01-02T03:04:05Z"),
                                List.of(
                                        Answer.text(10, "He said \"hi\""),
                                        Answer.option(11, 100),
                                        Answer.option(11, 101))),
                        new ResponseRow(6, Instant.parse("2026-01-02T03:04:06Z"), List.of())));
        assertThat(csv)
                .isEqualTo("\"response_id\",\"submitted_at\",\"Your name, please\",\"Fruits\"\r\n"
                        + "\"5\",\"2026-01-02T03:04:05Z\",\"He said \"\"hi\"\"\",\"Apple; Pear\"\r\n"
                        + "\"6\",\"2026-01-02T03:04:06Z\",\"\",\"\"\r\n");
    }

    @Test
    void formulasAreDefusedWhereverACellMayStart() {
        assertThat(CsvExport.escape("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(CsvExport.escape("+1")).isEqualTo("\"'+1\"");
        assertThat(CsvExport.escape("@SUM")).isEqualTo("\"'@SUM\"");
        assertThat(CsvExport.escape("\t=1")).isEqualTo("\"'\t=1\"");
        assertThat(CsvExport.escape("a;=1")).isEqualTo("\"a;'=1\"");
        assertThat(CsvExport.escape("a;  -1")).isEqualTo("\"a;  '-1\"");
        assertThat(CsvExport.escape("a,+1")).isEqualTo("\"a,'+1\"");
        assertThat(CsvExport.escape("a\"@x")).isEqualTo("\"a\"\"'@x\"");
        assertThat(CsvExport.escape("line\n=break")).isEqualTo("\"line\n'=break\"");
        assertThat(CsvExport.escape("in-between a=b")).isEqualTo("\"in-between a=b\"");
        assertThat(CsvExport.escape(null)).isEqualTo("\"\"");
    }
}
