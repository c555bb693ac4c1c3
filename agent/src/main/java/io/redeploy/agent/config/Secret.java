package io.redeploy.agent.config;

/** A credential. Its {@code toString} never shows the value, so it cannot leak through a log line or a record dump. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        this.value = value;
    }

    /** The clear value: call only where it is sent (an Authorization header, Docker's AuthConfig). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
