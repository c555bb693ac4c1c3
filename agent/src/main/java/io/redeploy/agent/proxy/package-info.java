/**
 * The agent's own TCP forwarder for {@code proxy:} services, one {@code traffic.TrafficSwitch} a start-first deploy
 * drives. Imports only {@code config}, {@code log} and the {@code traffic} seam.
 */
package io.redeploy.agent.proxy;
