package io.redeploy.agent.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Registry tokens by registry + realm + service + scope (the registry too: another registry may name the same realm,
 * service and scope in its challenge, and must not get this one's token), kept until shortly before they expire. Lookups for one key are
 * single-flight: threads asking for the same missing token wait for one token request instead of sending several.
 */
final class TokenCache {

    record Key(String registry, String realm, String service, String scope) {}

    @FunctionalInterface
    interface Fetcher {
        BearerToken fetch() throws RegistryException;
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        volatile BearerToken token;
    }

    private final ConcurrentMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration safetyMargin;

    /** @param safetyMargin a token is dropped this long before its expiry, so it never expires on the wire */
    TokenCache(Clock clock, Duration safetyMargin) {
        this.clock = clock;
        this.safetyMargin = safetyMargin;
    }

    /** The cached token if it is still valid; never fetches. */
    Optional<BearerToken> valid(Key key) {
        Entry entry = entries.get(key);
        return entry == null
                ? Optional.empty()
                : Optional.ofNullable(entry.token).filter(this::isFresh);
    }

    /** The cached token, or a new one from {@code fetcher} (called at most once at a time per key). */
    BearerToken getOrFetch(Key key, Fetcher fetcher) throws RegistryException {
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        BearerToken current = entry.token;
        if (current != null && isFresh(current)) return current;
        entry.lock.lock();
        try {
            current = entry.token; // another thread may have fetched it while we waited
            if (current != null && isFresh(current)) return current;
            BearerToken fetched = fetcher.fetch();
            entry.token = fetched;
            return fetched;
        } finally {
            entry.lock.unlock();
        }
    }

    /** Drops the token the registry refused, unless another thread has already replaced it. */
    void invalidate(Key key, String refusedValue) {
        Entry entry = entries.get(key);
        if (entry == null) return;
        entry.lock.lock();
        try {
            if (entry.token != null && entry.token.value().equals(refusedValue)) entry.token = null;
        } finally {
            entry.lock.unlock();
        }
    }

    private boolean isFresh(BearerToken token) {
        return clock.instant().plus(safetyMargin).isBefore(token.expiresAt());
    }
}
