package io.redeploy.agent.schedule;

import io.redeploy.agent.config.ScheduleConfig;
import io.redeploy.agent.log.Event;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz wiring only: one {@link PollJob}, fired on the configured interval or cron expression, once right
 * after start, and on demand. In-memory job store: the agent's own state lives in the state dir.
 */
public final class PollScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollScheduler.class);
    private static final JobKey JOB = JobKey.jobKey("poll", "redeploy");
    private static final TriggerKey SCHEDULE = TriggerKey.triggerKey("schedule", "redeploy");
    private static final TriggerKey FOLLOW_UP = TriggerKey.triggerKey("follow-up", "redeploy");

    private final Scheduler scheduler;
    private final ScheduleConfig schedule;

    public PollScheduler(ScheduleConfig schedule, PollJob.PollRunner runner) throws SchedulerException {
        this.schedule = schedule;
        Properties props = new Properties();
        props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "redeploy-agent");
        props.setProperty("org.quartz.threadPool.threadCount", "2");
        props.setProperty("org.quartz.threadPool.threadNamePrefix", "poll");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        // A fire later than this is a misfire; the triggers below then run it once, not once per missed slot.
        props.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        props.setProperty("org.quartz.scheduler.interruptJobsOnShutdown", "false");
        this.scheduler = new StdSchedulerFactory(props).getScheduler();
        scheduler.getContext().put(PollJob.RUNNER_KEY, runner);
    }

    public void start() throws SchedulerException {
        JobDetail job = JobBuilder.newJob(PollJob.class)
                .withIdentity(JOB)
                .storeDurably()
                .build();
        scheduler.addJob(job, false);
        scheduler.scheduleJob(buildTrigger());
        scheduler.start();
        if (schedule.cron().isPresent()) {
            triggerNow(Optional.empty()); // a cron trigger's first fire may be hours away: poll once at start-up
        }
        Event.info(log, "scheduler.started")
                .with("schedule", describe())
                .with("next_poll", nextPoll().map(Instant::toString).orElse("-"))
                .log();
    }

    Trigger buildTrigger() {
        TriggerBuilder<Trigger> builder =
                TriggerBuilder.newTrigger().withIdentity(SCHEDULE).forJob(JOB).startNow();
        if (schedule.interval().isPresent()) {
            return builder.withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(
                                    schedule.interval().get().toMillis())
                            .repeatForever()
                            // After a suspend: one poll now, then every interval from there; never a burst of catch-up
                            // polls.
                            .withMisfireHandlingInstructionNowWithExistingCount())
                    .build();
        }
        // A cron trigger does not fire at start; start() queues the first poll by hand.
        return builder.withSchedule(
                        CronScheduleBuilder.cronSchedule(schedule.cron().orElseThrow())
                                .withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    /** Queues a poll now (all services, or one); it runs after any poll in flight. */
    public void triggerNow(Optional<String> service) {
        JobDataMap data = new JobDataMap();
        service.ifPresent(name -> data.put(PollJob.SERVICE_KEY, name));
        try {
            scheduler.triggerJob(JOB, data);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not trigger a poll: " + e.getMessage(), e);
        }
    }

    /**
     * Queues one poll {@code delay} from now, replacing a follow-up queued earlier (so follow-ups never pile up); the
     * regular schedule is untouched. Called from a poll, which Quartz allows (a trigger rescheduled by its own job is kept).
     */
    public void pollAgainIn(Duration delay) {
        Trigger followUp = TriggerBuilder.newTrigger()
                .withIdentity(FOLLOW_UP)
                .forJob(JOB)
                .startAt(Date.from(Instant.now().plus(delay)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            if (scheduler.checkExists(FOLLOW_UP)) {
                scheduler.rescheduleJob(FOLLOW_UP, followUp);
            } else {
                scheduler.scheduleJob(followUp);
            }
        } catch (SchedulerException e) {
            // Shutting down: the next start heals what is left.
            Event.debug(log, "scheduler.follow_up_failed")
                    .reason(e.getMessage())
                    .log();
        }
    }

    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    public Optional<Instant> nextPoll() {
        try {
            Trigger trigger = scheduler.getTrigger(SCHEDULE);
            return Optional.ofNullable(trigger).map(Trigger::getNextFireTime).map(Date::toInstant);
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /** The poll period: the interval, or for cron the gap between its next two fire times. */
    public Duration period() {
        return schedule.interval().orElseGet(() -> cronPeriod(schedule.cron().orElseThrow()));
    }

    static Duration cronPeriod(String cron) {
        try {
            CronExpression expression = new CronExpression(cron);
            Date first = expression.getNextValidTimeAfter(new Date());
            Date second = first == null ? null : expression.getNextValidTimeAfter(first);
            return first == null || second == null
                    ? Duration.ofDays(1)
                    : Duration.ofMillis(second.getTime() - first.getTime());
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private String describe() {
        return schedule.interval()
                .map(i -> "every " + i.toMillis() + "ms")
                .orElseGet(() -> "cron " + schedule.cron().orElseThrow());
    }

    /** Stops firing new polls (SIGTERM's first step); a poll in flight goes on. */
    public void pause() {
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            Event.warn(log, "scheduler.standby_failed").reason(e.getMessage()).log();
        }
    }

    /** Waits up to {@code grace} for the poll in flight, then shuts Quartz down. Returns true if nothing was cut short. */
    public boolean shutdown(Duration grace) {
        pause();
        Thread waiter = new Thread(
                () -> {
                    try {
                        scheduler.shutdown(true);
                    } catch (SchedulerException e) {
                        Event.warn(log, "scheduler.shutdown_failed")
                                .reason(e.getMessage())
                                .log();
                    }
                },
                "scheduler-shutdown");
        waiter.setDaemon(true);
        waiter.start();
        try {
            waiter.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !waiter.isAlive();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
