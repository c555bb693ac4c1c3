package io.redeploy.agent.traffic.haproxy;

/** A command on HAProxy's runtime API failed: socket unreachable, timed out, or the command refused (its text). */
public final class HaproxyRuntimeException extends RuntimeException {
    HaproxyRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
