package io.redeploy.agent.log;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides known secret values in text that leaves the agent (deploy reasons, log lines, state, notifications): a
 * failing build's log tail may print its {@code DATABASE_URL}, a hook's stderr its connection string.
 *
 * <p>Every configured secret is hidden whatever its length. An environment value is hidden when its name says it is
 * a secret ({@code *PASSWORD*}, {@code *TOKEN*}, {@code *SECRET*}, {@code *KEY*}, ...; from 3 characters) or when it
 * is 8 characters or longer and not a plain number or boolean: short everyday values ({@code LOG_LEVEL=info},
 * {@code PORT=8000}) would only blank out words in reasons. The password inside a URL value
 * ({@code postgres://user:pw@db/app}) is hidden on its own too, since an application may print the URL rebuilt or
 * the password alone.
 */
public final class Redactor {
    public static final String MASK = "***";

    /** Reasons longer than this are cut: a log tail must not fill state.json, /status or a chat message. */
    public static final int MAX_REASON_CHARS = 2_000;

    private static final Pattern URL_PASSWORD = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:([^@/\\s]+)@");
    private static final Pattern NOT_SECRET = Pattern.compile("(?i)-?\\d+(\\.\\d+)?|true|false|yes|no|on|off");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|DSN|SALT).*");
    private static final int MIN_SECRET_NAMED_VALUE = 3;
    private static final int MIN_ENV_VALUE = 8;

    private static final Redactor NONE = new Redactor(List.of());

    /** Longest first, so that a secret containing another is hidden whole. */
    private final List<String> values;

    private Redactor(Collection<String> values) {
        this.values = values.stream()
                .filter(v -> !v.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    public static Redactor none() {
        return NONE;
    }

    /**
     * @param secrets configured secrets (passwords, tokens, webhook URLs): hidden whatever they look like
     * @param env environment variables of services (name, value): hidden unless plainly not secret
     */
    public static Redactor of(Collection<String> secrets, Collection<Map.Entry<String, String>> env) {
        Set<String> all = new LinkedHashSet<>(secrets);
        all.addAll(urlPasswords(secrets));
        for (Map.Entry<String, String> variable : env) {
            String value = variable.getValue();
            if (value == null) continue;
            all.addAll(urlPasswords(List.of(value)));
            boolean secretName = SECRET_NAME.matcher(variable.getKey()).matches();
            if (secretName && value.length() >= MIN_SECRET_NAMED_VALUE
                    || value.length() >= MIN_ENV_VALUE
                            && !NOT_SECRET.matcher(value).matches()) {
                all.add(value);
            }
        }
        return new Redactor(all);
    }

    /** This redactor and {@code env}'s values as well (a service's own environment, read from its container). */
    public Redactor withEnv(Map<String, String> env) {
        Redactor extra = of(List.of(), env.entrySet());
        if (extra.values.isEmpty()) return this;
        List<String> all = new java.util.ArrayList<>(values);
        all.addAll(extra.values);
        return new Redactor(all);
    }

    /** {@code text} with every known secret replaced by {@value #MASK}; null stays null. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) return text;
        String out = text;
        for (String value : values) {
            out = out.replace(value, MASK);
        }
        return out;
    }

    /** Redacted and cut to {@link #MAX_REASON_CHARS}, saying how much was left out. */
    public String reason(String text) {
        return cap(redact(text));
    }

    public static String cap(String text) {
        if (text == null || text.length() <= MAX_REASON_CHARS) return text;
        int keep = MAX_REASON_CHARS;
        String cut = "";
        for (int i = 0; i < 2; i++) { // the marker's own length moves the count once at most
            cut = " ... (" + (text.length() - keep) + " more characters cut)";
            keep = MAX_REASON_CHARS - cut.length();
        }
        return text.substring(0, keep) + cut;
    }

    private static Set<String> urlPasswords(Collection<String> values) {
        Set<String> passwords = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null) continue;
            Matcher m = URL_PASSWORD.matcher(value);
            while (m.find()) passwords.add(m.group(1));
        }
        return passwords;
    }
}
