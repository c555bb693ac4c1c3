package io.redeploy.agent.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * How a docker-java call becomes the gateway's answer: "not found" as an empty result, anything else as a
 * {@link DockerGatewayException} with one readable sentence, or a {@link DockerUnreachableException} when the engine
 * did not answer at all.
 */
final class DockerCalls {
    private DockerCalls() {}

    /** A lookup where "not found" is an answer, not a failure. */
    static <T> Optional<T> findOrEmpty(String what, java.util.function.Supplier<T> lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Giving up on the stream anyway.
        }
    }

    static String shortId(String id) {
        return id.length() == 64 ? id.substring(0, 12) : id;
    }

    static <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    static void call(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    /** Work that waits for the engine to finish something (a pull, an exec's output). */
    interface Awaited {
        void run() throws InterruptedException;
    }

    /** Runs {@code work}: an interrupt, and docker-java's own failures, become the gateway's; its own pass through. */
    static void awaiting(String what, Awaited work) {
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerGatewayException("could not " + what + ": interrupted", e);
        } catch (DockerGatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    static DockerGatewayException failure(String what, RuntimeException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof DockerException de && de.getHttpStatus() > 0) {
            detail = engineMessage(detail) + " (HTTP " + de.getHttpStatus() + ")";
        }
        String message = "could not " + what + ": " + detail.strip();
        return engineUnreachable(e)
                ? new DockerUnreachableException(message, e)
                : new DockerGatewayException(message, e);
    }

    /**
     * No answer from the engine: an I/O failure (socket missing or refused, connection reset or closed mid-call, as
     * when the daemon stops) rather than an error status the engine sent.
     */
    static boolean engineUnreachable(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof DockerException de && de.getHttpStatus() > 0) {
                return false;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** docker-java wraps the engine's JSON error as {"message":"..."}; keep only the sentence. */
    private static String engineMessage(String detail) {
        var m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(detail);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : detail;
    }
}
