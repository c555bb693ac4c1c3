package io.redeploy.agent.config;

import java.time.Duration;
import java.util.Optional;

/** Exactly one of {@code interval} or {@code cron} (a Quartz cron expression) is present. */
public record ScheduleConfig(Optional<Duration> interval, Optional<String> cron) {

    public static ScheduleConfig every(Duration interval) {
        return new ScheduleConfig(Optional.of(interval), Optional.empty());
    }

    public static ScheduleConfig cron(String expression) {
        return new ScheduleConfig(Optional.empty(), Optional.of(expression));
    }
}
