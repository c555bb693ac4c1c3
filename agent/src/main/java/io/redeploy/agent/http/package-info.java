/**
 * The operator's HTTP edge: {@code /healthz}, {@code /status}, {@code /metrics} and the trigger. Reads the state and
 * the metrics and asks the running agent through {@code AgentControl}; never Docker or the core directly.
 */
package io.redeploy.agent.http;
