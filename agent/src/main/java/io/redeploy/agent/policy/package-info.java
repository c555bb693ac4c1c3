/**
 * Lifecycle hooks ({@code pre_update}, {@code post_update}: exec in a container or on the host) as the container
 * target's {@code DeployHooks}. Admission rules (pin-major, cooldown) are not here: they are the planner's.
 */
package io.redeploy.agent.policy;
