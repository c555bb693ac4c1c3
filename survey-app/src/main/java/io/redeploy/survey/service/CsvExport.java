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
 * "; ". Cells that a spreadsheet would run as a formula are prefixed with an apostrophe (OWASP CSV injection).
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

    static String escape(String raw) {
        String value = raw == null ? "" : raw;
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            value = "'" + value;
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
