package io.redeploy.agent.traffic.haproxy;

import io.redeploy.agent.traffic.TrafficSwitchException;

/** A command on HAProxy's runtime API failed: socket unreachable, timed out, or the command refused (its text). */
public final class HaproxyRuntimeException extends TrafficSwitchException {
    HaproxyRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
