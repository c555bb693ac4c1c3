package io.redeploy.survey.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The app's defences that an operator may tune (see the Security section of docs/survey-app.md).
 *
 * @param tokenKey                    {@code SURVEY_TOKEN_KEY}: signs respondent tokens; absent means a key generated
 *                                    once and kept in the database, shared by every instance
 * @param trustedProxies              {@code TRUSTED_PROXIES}: peers whose X-Forwarded-For names the client
 * @param responsesPerHourPerAddress  {@code RESPONSES_PER_HOUR_PER_ADDRESS}: answers one client address may send
 * @param responsesPerMinutePerSurvey {@code RESPONSES_PER_MINUTE_PER_SURVEY}: answers one survey accepts
 * @param signUpsPerHourPerAddress    {@code SIGNUPS_PER_HOUR_PER_ADDRESS}: sign-ups one client address may try
 * @param passwordHashingSlots        {@code PASSWORD_HASHING_SLOTS}: bcrypt computations at once; more get 429
 */
public record SecuritySettings(
        Optional<String> tokenKey,
        List<IpRange> trustedProxies,
        int responsesPerHourPerAddress,
        int responsesPerMinutePerSurvey,
        int signUpsPerHourPerAddress,
        int passwordHashingSlots) {

    public static final int MIN_TOKEN_KEY_LENGTH = 32;

    /** Loopback and private networks: where a reverse proxy in front of the app connects from. */
    public static final String DEFAULT_TRUSTED_PROXIES =
            "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

    public SecuritySettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    @Override
    public String toString() {
        return "SecuritySettings[tokenKey=" + (tokenKey.isPresent() ? "****" : "database") + ", trustedProxies="
                + trustedProxies + ", responsesPerHourPerAddress=" + responsesPerHourPerAddress
                + ", responsesPerMinutePerSurvey=" + responsesPerMinutePerSurvey + ", signUpsPerHourPerAddress="
                + signUpsPerHourPerAddress + ", passwordHashingSlots=" + passwordHashingSlots + "]";
    }

    static SecuritySettings fromEnv(Map<String, String> env) {
        String key = env.get("SURVEY_TOKEN_KEY");
        if (key != null && !key.isEmpty() && key.length() < MIN_TOKEN_KEY_LENGTH) {
            throw new ConfigException("SURVEY_TOKEN_KEY must be at least " + MIN_TOKEN_KEY_LENGTH + " characters");
        }
        int defaultSlots = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return new SecuritySettings(
                Optional.ofNullable(key == null || key.isEmpty() ? null : key),
                trustedProxies(env.getOrDefault("TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES)),
                AppConfig.intInRange(env, "RESPONSES_PER_HOUR_PER_ADDRESS", 120, 1, 1_000_000),
                AppConfig.intInRange(env, "RESPONSES_PER_MINUTE_PER_SURVEY", 120, 1, 1_000_000),
                AppConfig.intInRange(env, "SIGNUPS_PER_HOUR_PER_ADDRESS", 10, 1, 1_000_000),
                AppConfig.intInRange(env, "PASSWORD_HASHING_SLOTS", defaultSlots, 1, 256));
    }

    private static List<IpRange> trustedProxies(String value) {
        String text = value.trim();
        if (text.isEmpty() || text.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<IpRange> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                ranges.add(IpRange.parse(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "TRUSTED_PROXIES must be none or a comma-separated list of IP addresses or CIDR ranges");
            }
        }
        return ranges;
    }
}
