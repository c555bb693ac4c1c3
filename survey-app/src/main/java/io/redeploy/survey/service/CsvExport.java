package io.redeploy.survey.service;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.ResponseRow;
import io.redeploy.survey.domain.Survey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 4180 CSV: a header of question texts, then one line per response. Multiple choices are joined with
 * "; ". Every cell is quoted, and anything a spreadsheet could read as the start of a formula gets an apostrophe
 * in front (OWASP CSV injection): not only at the start of a cell, but also after every character at which some
 * reading of the file starts a new cell (a comma, the semicolon that many locales use as separator, a quote, a
 * line break), since a spreadsheet may split the file in another way than it was written.
 */
public final class CsvExport {
    private CsvExport() {}

    public static String write(Survey survey, List<ResponseRow> rows) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("response_id", "submitted_at"));
        survey.questions().forEach(q -> header.add(q.text()));
        line(out, header);
        Map<Long, String> optionLabels = new HashMap<>();
        for (Question q : survey.questions()) {
            for (Choice c : q.options()) {
                optionLabels.put(c.id(), c.label());
            }
        }
        for (ResponseRow row : rows) {
            List<String> cells = new ArrayList<>(
                    List.of(String.valueOf(row.id()), row.submittedAt().toString()));
            for (Question q : survey.questions()) {
                List<String> values = new ArrayList<>();
                for (Answer a : row.answers()) {
                    if (a.questionId() != q.id()) {
                        continue;
                    }
                    if (a.optionId() != null) {
                        values.add(optionLabels.getOrDefault(a.optionId(), ""));
                    } else if (a.rating() != null) {
                        values.add(String.valueOf(a.rating()));
                    } else {
                        values.add(a.text());
                    }
                }
                cells.add(String.join("; ", values));
            }
            line(out, cells);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(escape(cells.get(i)));
        }
        out.append("\r\n");
    }

    /** Characters that make a spreadsheet evaluate a cell when they come first. */
    private static final String FORMULA_START = "=+-@\t\r";
    /** Characters after which some reading of the file starts a new cell. */
    private static final String CELL_BREAK = ",;\"\n\r";

    static String escape(String raw) {
        String value = raw == null ? "" : raw;
        StringBuilder out = new StringBuilder(value.length() + 8).append('"');
        boolean cellStart = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (cellStart && FORMULA_START.indexOf(c) >= 0) {
                out.append('\'');
            }
            out.append(c == '"' ? "\"\"" : String.valueOf(c));
            // Blanks between a break and a formula character are skipped by spreadsheets, so they keep the state.
            if (CELL_BREAK.indexOf(c) >= 0) {
                cellStart = true;
            } else if (c != ' ') {
                cellStart = false;
            }
        }
        return out.append('"').toString();
    }
}
