/**
 * Containers on this engine as a deploy target ({@code ContainerTarget}): the preparation every deploy shares
 * (inspect, pull, gate, hooks), the two swap strategies side by side ({@code StopFirstSwap}, {@code StartFirstSwap}),
 * rollback, and the crash recovery that depends on them. Imports the core ({@code reconcile}), {@code docker},
 * {@code config} and the traffic switches; never the registry, the state file or the HTTP edge.
 */
package io.redeploy.agent.deploy;
