package io.redeploy.agent.state;

/** The state file exists but cannot be understood; the store sets it aside and starts fresh. */
final class CorruptStateException extends Exception {
    CorruptStateException(String message) {
        super(message);
    }
}
