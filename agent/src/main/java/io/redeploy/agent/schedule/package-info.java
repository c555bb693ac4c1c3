/**
 * When a poll runs: Quartz (an interval or a cron expression, a poll at start, misfires run once, never two at once)
 * and the follow-up delays while a recovery is pending. Imports only {@code config} and {@code log}.
 */
package io.redeploy.agent.schedule;
