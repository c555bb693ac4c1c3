package io.redeploy.agent.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235 section 4.1): a scheme such as {@code Bearer} or
 * {@code Basic} and its {@code name=value} parameters. Parameter names are case-insensitive and kept in lower case.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public AuthChallenge {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public boolean hasScheme(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    public String param(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }

    /** Parses every challenge of every header value, in order. Unparseable fragments are skipped, never thrown. */
    public static List<AuthChallenge> parseAll(List<String> headerValues) {
        List<AuthChallenge> all = new ArrayList<>();
        for (String value : headerValues) {
            all.addAll(new Parser(value).challenges());
        }
        return all;
    }

    public static List<AuthChallenge> parse(String headerValue) {
        return headerValue == null ? List.of() : parseAll(List.of(headerValue));
    }

    /**
     * A small tokenizer: a token followed by {@code =} is a parameter of the current challenge, any other token starts
     * a new challenge. Quoted values may contain commas, spaces and backslash escapes.
     */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s == null ? "" : s;
        }

        List<AuthChallenge> challenges() {
            List<AuthChallenge> result = new ArrayList<>();
            String scheme = null;
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                skip(" \t,");
                if (pos >= s.length()) break;
                String token = token();
                if (token.isEmpty()) { // a stray '=' or quoted string without a name: drop it with its value
                    if (s.charAt(pos) == '=') pos++;
                    skip(" \t");
                    value();
                    continue;
                }
                skip(" \t");
                if (pos < s.length() && s.charAt(pos) == '=' && scheme != null) {
                    pos++;
                    skip(" \t");
                    params.put(token.toLowerCase(Locale.ROOT), value());
                } else if (pos < s.length() && s.charAt(pos) == '=') {
                    value(); // a parameter before any scheme: malformed, drop it
                } else {
                    if (scheme != null) result.add(new AuthChallenge(scheme, params));
                    scheme = token;
                    params = new LinkedHashMap<>();
                }
            }
            if (scheme != null) result.add(new AuthChallenge(scheme, params));
            return result;
        }

        private String token() {
            int start = pos;
            while (pos < s.length() && " \t,=\"".indexOf(s.charAt(pos)) < 0) pos++;
            return s.substring(start, pos);
        }

        private String value() {
            if (pos < s.length() && s.charAt(pos) == '"') {
                pos++;
                StringBuilder out = new StringBuilder();
                while (pos < s.length() && s.charAt(pos) != '"') {
                    char c = s.charAt(pos++);
                    if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                    out.append(c);
                }
                pos++; // closing quote (or past the end of an unterminated value)
                return out.toString();
            }
            int start = pos;
            while (pos < s.length() && " \t,".indexOf(s.charAt(pos)) < 0) pos++;
            return s.substring(start, pos);
        }

        private void skip(String chars) {
            while (pos < s.length() && chars.indexOf(s.charAt(pos)) >= 0) pos++;
        }
    }
}
