/**
 * The seam between a start-first deploy and whatever carries a service's traffic: {@code TrafficSwitch} (switch,
 * drain, ensure), {@code TrafficSwitches} (one per service) and {@code ForwardTarget} (a container's address). The
 * agent's own forwarder ({@code proxy}) and the reverse proxies ({@code traffic.caddy}, {@code traffic.haproxy})
 * implement it; {@code deploy} drives it. Imports nothing of the agent.
 */
package io.redeploy.agent.traffic;
