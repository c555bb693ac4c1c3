package io.redeploy.agent.registry;

import java.io.IOException;

/**
 * Carries a typed {@link RegistryException} out of an OkHttp interceptor, whose signature only allows IOException.
 * The client unwraps it; it never reaches callers.
 */
final class RegistryFailureIOException extends IOException {
    private final RegistryException failure;

    RegistryFailureIOException(RegistryException failure) {
        super(failure.getMessage(), failure);
        this.failure = failure;
    }

    RegistryException failure() {
        return failure;
    }

    /** The typed failure somewhere in {@code e}'s cause chain (OkHttp may wrap it, e.g. on call timeout). */
    static RegistryException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryFailureIOException carrier) return carrier.failure();
        }
        return null;
    }
}
