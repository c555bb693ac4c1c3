package io.redeploy.survey.service;

import io.redeploy.survey.db.DataAccessException;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.UserRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Surveyor accounts and sign-in sessions, with the defences around them: the password policy, back-off on
 * failed sign-ins, a sign-up that does not tell whether an email has an account (see {@link #signUp}).
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SignInThrottle throttle;
    private final Tokens tokens;
    private final Clock clock;
    private final Duration sessionTtl;

    public AuthService(
            UserRepository users,
            SessionRepository sessions,
            PasswordHasher hasher,
            PasswordPolicy policy,
            SignInThrottle throttle,
            Tokens tokens,
            Clock clock,
            Duration sessionTtl) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.policy = policy;
        this.throttle = throttle;
        this.tokens = tokens;
        this.clock = clock;
        this.sessionTtl = sessionTtl;
    }

    /**
     * Creates a surveyor account after checking the email and the password rules; a taken email is an error.
     * For the bootstrap account and tests: the public sign-up is {@link #signUp}.
     */
    public User register(String email, String password) {
        String normalizedEmail = validNewAccount(email, password);
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

    /**
     * The public sign-up. It returns normally whether the email was free (the account is created) or taken (nothing
     * changes), and costs one bcrypt hash either way, so neither the answer nor its timing tells an outsider which
     * emails have accounts. Nobody is signed in: the new surveyor signs in next, like everyone else.
     */
    public void signUp(String email, String password, String client) {
        hasher.refuseIfBusy();
        throttle.checkSignUp(client);
        String normalizedEmail = validNewAccount(email, password);
        users.createUnlessTaken(normalizedEmail, hasher.hash(password))
                .ifPresentOrElse(
                        user -> log.info("event=user.created user_id={}", user.id()),
                        () -> log.info("event=signup.email_taken"));
    }

    private String validNewAccount(String email, String password) {
        String normalizedEmail = Text.clean(email);
        var errors = new ValidationException.Collector();
        if (!EMAIL.matcher(normalizedEmail).matches() || normalizedEmail.length() > 254) {
            errors.add("email", "Enter a valid email address.");
        }
        policy.check(normalizedEmail, password, errors);
        errors.throwIfAny();
        return normalizedEmail;
    }

    /** Creates the bootstrap surveyor unless an account with that email exists (its password is left alone). */
    public void ensureAccount(String email, String password) {
        if (users.findByEmail(Text.clean(email)).isPresent()) {
            log.info("event=admin.exists");
            return;
        }
        try {
            register(email, password);
        } catch (ValidationException e) {
            throw new IllegalStateException("SURVEY_ADMIN_EMAIL/SURVEY_ADMIN_PASSWORD refused: "
                    + String.join(" ", e.errors().values()));
        }
        log.info("event=admin.created");
    }

    /**
     * The account for these credentials, if they are right. Throws {@link TooManyRequestsException} without
     * checking the password while the account or {@code client} is backed off, or when every hashing slot is busy.
     */
    public Optional<User> authenticate(String email, String password, String client) {
        String account = email == null ? "" : Text.clean(email).toLowerCase(Locale.ROOT);
        hasher.refuseIfBusy();
        throttle.checkSignIn(account, client);
        Optional<User> user = account.isEmpty() ? Optional.empty() : users.findByEmail(account);
        if (user.isEmpty()) {
            hasher.burnOneVerification(password);
            throttle.failed(account, client);
            log.info("event=signin.failed reason=unknown_email");
            return Optional.empty();
        }
        if (!hasher.verify(password, user.get().passwordHash())) {
            throttle.failed(account, client);
            log.info(
                    "event=signin.failed reason=bad_password user_id={}",
                    user.get().id());
            return Optional.empty();
        }
        throttle.succeeded(account);
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
