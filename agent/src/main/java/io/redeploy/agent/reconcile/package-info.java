/**
 * The core use case, one poll: observe (registry digests, what runs, what the agent remembers), plan (the pure
 * {@code Planner}: every admission rule, decisions as data), execute (through a {@code DeployTarget}) and record (the
 * {@code Recorder}: state, metrics, notifications, the log line). Its ports ({@code DeployTarget}, {@code
 * SignatureCheck}, {@code PollEvents}) are implemented by {@code deploy}, {@code signing} and {@code notify}, which
 * import it; it imports none of them, nor Docker.
 */
package io.redeploy.agent.reconcile;
