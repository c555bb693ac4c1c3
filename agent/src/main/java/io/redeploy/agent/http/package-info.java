/**
 * The operator's HTTP edge: {@code /healthz}, {@code /status}, {@code /metrics}, {@code /v1/history}, the trigger and
 * the operator's actions (rollback, hold, release). Reads the state, the audit history and the metrics and asks the
 * running agent through {@code AgentControl}; never Docker or the core directly.
 */
package io.redeploy.agent.http;
