package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseValidationTest {
    private static final Survey SURVEY = new Survey(
            1,
            1,
            "s",
            "T",
            "",
            SurveyStatus.PUBLISHED,
            Instant.EPOCH,
            Instant.EPOCH,
            List.of(
                    new Question(1, 1, "Name", QuestionType.TEXT, true, List.of()),
                    new Question(
                            2,
                            2,
                            "Colour",
                            QuestionType.SINGLE_CHOICE,
                            false,
                            List.of(new Choice(20, 1, "Red"), new Choice(21, 2, "Blue"))),
                    new Question(
                            3,
                            3,
                            "Pets",
                            QuestionType.MULTIPLE_CHOICE,
                            false,
                            List.of(new Choice(30, 1, "Cat"), new Choice(31, 2, "Dog"))),
                    new Question(4, 4, "Score", QuestionType.RATING, true, List.of())));

    @Test
    void validAnswersBecomeOneAnswerPerValue() {
        List<Answer> answers = ResponseService.validate(
                SURVEY,
                Map.of(1L, List.of("  Ada "), 2L, List.of("21"), 3L, List.of("30", "31", "30"), 4L, List.of("5")));
        assertThat(answers)
                .containsExactly(
                        Answer.text(1, "Ada"),
                        Answer.option(2, 21),
                        Answer.option(3, 30),
                        Answer.option(3, 31),
                        Answer.rating(4, 5));
    }

    @Test
    void optionalQuestionsMayBeLeftBlank() {
        assertThat(ResponseService.validate(SURVEY, Map.of(1L, List.of("x"), 4L, List.of("1"), 2L, List.of(""))))
                .hasSize(2);
    }

    @Test
    void everyBadAnswerIsReportedOnItsQuestion() {
        assertThatThrownBy(() -> ResponseService.validate(
                        SURVEY,
                        Map.of(
                                1L,
                                List.of(" "),
                                2L,
                                List.of("20", "21"),
                                3L,
                                List.of("99"),
                                4L,
                                List.of("6"),
                                77L,
                                List.of("x"))))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors()).containsOnlyKeys("q1", "q2", "q3", "q4", "q77"));
    }

    @Test
    void ratingMustBeAWholeNumberInRange() {
        for (String bad : List.of("0", "abc", "2.5", "-1")) {
            assertThatThrownBy(() -> ResponseService.validate(SURVEY, Map.of(1L, List.of("x"), 4L, List.of(bad))))
                    .isInstanceOf(ValidationException.class);
        }
    }

    @Test
    void overlongTextIsRefused() {
        String longText = "x".repeat(ResponseService.MAX_TEXT_ANSWER + 1);
        assertThatThrownBy(() -> ResponseService.validate(SURVEY, Map.of(1L, List.of(longText), 4L, List.of("3"))))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.errors()).containsKey("q1"));
    }
}
