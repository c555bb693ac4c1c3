/** Prometheus counters and gauges of the agent ({@code AgentMetrics}). Imports nothing of the agent. */
package io.redeploy.agent.metrics;
