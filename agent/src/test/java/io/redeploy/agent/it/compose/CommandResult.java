package io.redeploy.agent.it.compose;

import java.util.List;

/** What one command printed (stdout and stderr merged, secrets masked) and how it exited. */
public record CommandResult(List<String> command, int exitCode, String output) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result when the command exited 0; else an exception that says what ran and what it printed. */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new IllegalStateException(this.toString());
        }
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
    }
}
