/**
 * The operator's HTTP edge: the status page {@code /} (HTML, with a sign-in and forms for the operator), {@code /healthz}, {@code /status}, {@code /metrics}, {@code /v1/history}, the trigger and
 * the operator's actions (rollback, hold, release). Reads the state, the audit history and the metrics and asks the
 * running agent through {@code AgentControl}; never Docker or the core directly.
 */
package io.redeploy.agent.http;
