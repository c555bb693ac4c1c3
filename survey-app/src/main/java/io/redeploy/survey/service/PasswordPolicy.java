package io.redeploy.survey.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a new password must be: at least {@link #MIN_LENGTH} characters, at most bcrypt's 72 bytes, not the email,
 * and not one of the commonest passwords. The list ({@code passwords/common-passwords.txt}) comes from the npm
 * package {@code @zxcvbn-ts/language-common} 4.1.3 under the MIT licence (its text ships beside the list).
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 10;
    private static final String LIST = "/passwords/common-passwords.txt";

    private final Set<String> common;

    PasswordPolicy(Set<String> common) {
        this.common = Set.copyOf(common);
    }

    /** The policy with the list shipped in the jar. */
    public static PasswordPolicy standard() {
        Set<String> words = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IllegalStateException(LIST + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    words.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PasswordPolicy(words);
    }

    /** Adds what is wrong with {@code password} for the account {@code email} to {@code errors}, as "password". */
    void check(String email, String password, ValidationException.Collector errors) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            errors.add("password", "Use at least " + MIN_LENGTH + " characters.");
        } else if (!PasswordHasher.fits(password)) {
            errors.add("password", "Use at most " + PasswordHasher.MAX_BYTES + " bytes.");
        } else if (common.contains(password.strip().toLowerCase(Locale.ROOT))) {
            errors.add("password", "This password is too common: attackers try it first. Choose another one.");
        } else if (email != null && password.strip().equalsIgnoreCase(email.strip())) {
            errors.add("password", "Do not use your email address as your password.");
        }
    }

    int size() {
        return common.size();
    }
}
