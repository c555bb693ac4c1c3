package io.redeploy.survey.domain;

/** A surveyor account. The hash is bcrypt's modular-crypt string. */
public record User(long id, String email, String passwordHash) {
    @Override
    public String toString() {
        return "User[id=" + id + ", email=" + email + "]";
    }
}
