/**
 * Notifications (JSON webhook with HMAC, Slack, email), sent asynchronously with retries, behind the core's
 * {@code PollEvents} port. Never blocks a poll. Imports {@code reconcile} and {@code config}.
 */
package io.redeploy.agent.notify;
