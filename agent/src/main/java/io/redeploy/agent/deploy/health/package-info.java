/**
 * Health gates, small strategy objects with a deadline: the image's Docker HEALTHCHECK, an HTTP or TCP probe, or
 * "still running"; chosen per service by {@code DefaultHealthGates}. Imports {@code docker} and {@code config}.
 */
package io.redeploy.agent.deploy.health;
