package io.redeploy.agent.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-fallback}} from the agent's environment; {@code $$} is a literal
 * {@code $}. Any other {@code $} is an error rather than passed through, so {@code $HOME} cannot silently
 * become the five characters "$HOME". Messages never quote the text, which may be a secret.
 */
final class EnvInterpolator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String EXPECTED = "expected ${NAME}, ${NAME:-fallback}, or $$ for a literal $";

    private final Map<String, String> environment;

    EnvInterpolator(Map<String, String> environment) {
        this.environment = environment;
    }

    /** @throws IllegalArgumentException naming the variable or the position of the bad reference */
    String expand(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (text.startsWith("$$", i)) {
                out.append('$');
                i += 2;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("'${' at position " + (i + 1) + " is never closed; " + EXPECTED);
                }
                out.append(resolve(text.substring(i + 2, close), i));
                i = close + 1;
            } else {
                throw new IllegalArgumentException(
                        "'$' at position " + (i + 1) + " is not followed by {NAME} or $; " + EXPECTED);
            }
        }
        return out.toString();
    }

    private String resolve(String reference, int position) {
        int fallbackAt = reference.indexOf(":-");
        String name = fallbackAt < 0 ? reference : reference.substring(0, fallbackAt);
        if (!NAME.matcher(name).matches()) {
            // The text is not quoted back: a malformed reference may sit inside an inline secret.
            throw new IllegalArgumentException("the reference at position " + (position + 1)
                    + " does not name a variable (letters, digits, _); " + EXPECTED);
        }
        String value = environment.get(name);
        if (value != null && !(fallbackAt >= 0 && value.isEmpty())) {
            return value;
        }
        if (fallbackAt >= 0) {
            return reference.substring(fallbackAt + 2);
        }
        throw new IllegalArgumentException("environment variable '" + name
                + "' is not set; expected it in the agent's environment (or ${" + name + ":-fallback})");
    }
}
