package io.redeploy.survey.service;

import io.redeploy.survey.db.DataAccessException;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.UserRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Surveyor accounts and sign-in sessions. */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    public static final int MIN_PASSWORD_LENGTH = 8;

    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final Tokens tokens;
    private final Clock clock;
    private final Duration sessionTtl;

    public AuthService(
            UserRepository users,
            SessionRepository sessions,
            PasswordHasher hasher,
            Tokens tokens,
            Clock clock,
            Duration sessionTtl) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.tokens = tokens;
        this.clock = clock;
        this.sessionTtl = sessionTtl;
    }

    /** Creates a surveyor account after checking the email and the password rules. */
    public User register(String email, String password) {
        String normalizedEmail = Text.clean(email);
        var errors = new ValidationException.Collector();
        if (!EMAIL.matcher(normalizedEmail).matches() || normalizedEmail.length() > 254) {
            errors.add("email", "Enter a valid email address.");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            errors.add("password", "Use at least " + MIN_PASSWORD_LENGTH + " characters.");
        } else if (!PasswordHasher.fits(password)) {
            errors.add("password", "Use at most " + PasswordHasher.MAX_BYTES + " bytes.");
        }
        errors.throwIfAny();
        try {
            User user = users.create(normalizedEmail, hasher.hash(password));
            log.info("event=user.created user_id={}", user.id());
            return user;
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw ValidationException.of("email", "An account with this email already exists.");
            }
            throw e;
        }
    }

    /** Creates the bootstrap surveyor unless an account with that email exists (its password is left alone). */
    public void ensureAccount(String email, String password) {
        if (users.findByEmail(Text.clean(email)).isPresent()) {
            log.info("event=admin.exists");
            return;
        }
        register(email, password);
        log.info("event=admin.created");
    }

    /** The account for these credentials, if they are right. */
    public Optional<User> authenticate(String email, String password) {
        Optional<User> user = email == null ? Optional.empty() : users.findByEmail(Text.clean(email));
        if (user.isEmpty()) {
            hasher.burnOneVerification(password);
            log.info("event=signin.failed reason=unknown_email");
            return Optional.empty();
        }
        if (!hasher.verify(password, user.get().passwordHash())) {
            log.info(
                    "event=signin.failed reason=bad_password user_id={}",
                    user.get().id());
            return Optional.empty();
        }
        return user;
    }

    /** Opens a session and returns its secret token (only its hash is stored). */
    public String startSession(User user) {
        String token = tokens.newToken();
        Instant now = clock.instant();
        sessions.create(Tokens.sha256(token), user.id(), now.plus(sessionTtl));
        users.recordSignIn(user.id(), now);
        log.info("event=signin.ok user_id={}", user.id());
        return token;
    }

    public Optional<User> userForSession(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return sessions.findUserId(Tokens.sha256(token), clock.instant()).flatMap(users::findById);
    }

    public void endSession(String token) {
        if (token != null && !token.isBlank()) {
            sessions.delete(Tokens.sha256(token));
        }
    }

    public int purgeExpiredSessions() {
        return sessions.deleteExpired(clock.instant());
    }
}
