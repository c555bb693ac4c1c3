package io.redeploy.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.ScheduleConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;

class PollSchedulerTest {

    @Test
    void anIntervalFiresOnceNowAfterAMisfireNotOncePerMissedSlot() throws Exception {
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.every(Duration.ofMinutes(5)), service -> {});
        try {
            Trigger trigger = scheduler.buildTrigger();
            assertThat(trigger).isInstanceOf(SimpleTrigger.class);
            assertThat(trigger.getMisfireInstruction())
                    .isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT);
            assertThat(((SimpleTrigger) trigger).getRepeatInterval())
                    .isEqualTo(Duration.ofMinutes(5).toMillis());
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aCronScheduleFiresOnceAfterAMisfire() throws Exception {
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.cron("0 0 3 * * ?"), service -> {});
        try {
            Trigger trigger = scheduler.buildTrigger();
            assertThat(trigger).isInstanceOf(CronTrigger.class);
            assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
            assertThat(scheduler.period()).isEqualTo(Duration.ofDays(1));
        } finally {
            scheduler.close();
        }
    }

    @Test
    void pollsRightAfterStartEvenWhenTheCronFiresHoursLater() throws Exception {
        List<Optional<String>> polls = new CopyOnWriteArrayList<>();
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.cron("0 0 3 * * ?"), polls::add);
        try {
            scheduler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.size() == 1);
            assertThat(polls).containsExactly(Optional.empty());
            assertThat(scheduler.isRunning()).isTrue();
        } finally {
            scheduler.close();
        }
        assertThat(scheduler.isRunning()).isFalse();
    }

    @Test
    void aTriggerForOneServiceReachesTheRunnerWithItsName() throws Exception {
        List<Optional<String>> polls = new CopyOnWriteArrayList<>();
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.every(Duration.ofHours(1)), polls::add);
        try {
            scheduler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.size() == 1);
            scheduler.triggerNow(Optional.of("web"));
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.size() == 2);
            assertThat(polls).containsExactly(Optional.empty(), Optional.of("web"));
            assertThat(scheduler.nextPoll()).isPresent();
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aPollCanQueueItsOwnFollowUp() throws Exception {
        // What the agent does while it waits for the Docker engine: each poll asks for the next one, from inside the
        // job the follow-up trigger itself fired (Quartz keeps a trigger its own job rescheduled).
        List<Optional<String>> polls = new CopyOnWriteArrayList<>();
        PollScheduler[] holder = new PollScheduler[1];
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.every(Duration.ofHours(1)), service -> {
            polls.add(service);
            if (polls.size() < 3) {
                holder[0].pollAgainIn(Duration.ofMillis(50));
                holder[0].pollAgainIn(Duration.ofMillis(100)); // replaces the one just queued
            }
        });
        holder[0] = scheduler;
        try {
            scheduler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.size() == 3);
            assertThat(polls).containsOnly(Optional.empty());
            assertThat(scheduler.nextPoll())
                    .as("the regular schedule is untouched")
                    .isPresent();
        } finally {
            scheduler.close();
        }
    }

    @Test
    void twoPollsNeverOverlap() throws Exception {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxRunning = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        PollScheduler scheduler = new PollScheduler(ScheduleConfig.every(Duration.ofHours(1)), service -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.incrementAndGet();
        });
        try {
            scheduler.start();
            scheduler.triggerNow(Optional.empty());
            scheduler.triggerNow(Optional.empty());
            await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 3);
            assertThat(maxRunning.get()).isEqualTo(1);
        } finally {
            scheduler.close();
        }
    }
}
