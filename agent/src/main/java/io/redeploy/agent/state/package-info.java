/**
 * What must survive a restart: the current state of every service in {@code state.json}, written atomically, and the
 * audit history under {@code history/} (append-only JSON lines, {@code AuditLog}).
 * Imports only {@code log}; the core writes it through the recorder, the HTTP edge reads it.
 */
package io.redeploy.agent.state;
