/**
 * The agent's own TCP forwarder for {@code proxy:} services and the {@code TrafficSwitch} seam a start-first deploy
 * drives. Imports only {@code config} and {@code log}.
 */
package io.redeploy.agent.proxy;
