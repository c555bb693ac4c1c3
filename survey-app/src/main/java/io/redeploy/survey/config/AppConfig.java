package io.redeploy.survey.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the app reads from its environment (12-factor). See docs/survey-app.md for the table.
 *
 * @param port             HTTP port ({@code PORT}, default 8000; 0 picks a free one, for tests)
 * @param database         where PostgreSQL is
 * @param admin            first surveyor to create at start-up when absent
 * @param signupOpen       whether {@code /signup} lets anyone create a surveyor account
 * @param secureCookies    whether cookies carry the {@code Secure} flag (on unless {@code COOKIE_SECURE=false})
 * @param sessionTtl       how long a sign-in lasts
 * @param bcryptCost       bcrypt work factor (tests lower it)
 * @param security         limits, trusted proxies and the respondent-token key
 */
public record AppConfig(
        int port,
        DatabaseSettings database,
        Optional<AdminAccount> admin,
        boolean signupOpen,
        boolean secureCookies,
        Duration sessionTtl,
        int bcryptCost,
        SecuritySettings security) {

    /** The bootstrap surveyor account; the password never appears in toString. */
    public record AdminAccount(String email, String password) {
        @Override
        public String toString() {
            return "AdminAccount[email=" + email + ", password=****]";
        }
    }

    public static AppConfig fromEnv(Map<String, String> env) {
        String portText = env.getOrDefault("PORT", "8000");
        DatabaseSettings.requirePort("PORT", portText);
        int port = Integer.parseInt(portText);

        String adminEmail = DatabaseSettings.blankToNull(env.get("SURVEY_ADMIN_EMAIL"));
        String adminPassword = env.get("SURVEY_ADMIN_PASSWORD");
        Optional<AdminAccount> admin = Optional.empty();
        if (adminEmail != null) {
            if (adminPassword == null || adminPassword.isEmpty()) {
                throw new ConfigException("SURVEY_ADMIN_PASSWORD is required when SURVEY_ADMIN_EMAIL is set");
            }
            admin = Optional.of(new AdminAccount(adminEmail, adminPassword));
        }
        int bcryptCost = intInRange(env, "BCRYPT_COST", 12, 4, 31);
        int sessionHours = intInRange(env, "SESSION_TTL_HOURS", 12, 1, 24 * 90);
        return new AppConfig(
                port,
                DatabaseSettings.fromEnv(env),
                admin,
                bool(env, "SURVEY_SIGNUP_OPEN", false),
                bool(env, "COOKIE_SECURE", true),
                Duration.ofHours(sessionHours),
                bcryptCost,
                SecuritySettings.fromEnv(env));
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String value = DatabaseSettings.blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false");
        };
    }

    static int intInRange(Map<String, String> env, String name, int fallback, int min, int max) {
        String value = DatabaseSettings.blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(name + " must be a number between " + min + " and " + max);
    }
}
