package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.state.Hold;
import java.util.Optional;

/**
 * An operator's rollback, accepted and queued for the poll thread: put {@code to} back on {@code service} (which runs
 * {@code from} now) and keep it held.
 */
public record RollbackRequest(String service, Optional<Digest> from, Digest to, Hold hold) {}
