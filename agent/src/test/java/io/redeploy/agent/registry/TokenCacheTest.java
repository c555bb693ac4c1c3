package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final TokenCache cache = new TokenCache(clock, Duration.ofSeconds(10));
    private final TokenCache.Key key = new TokenCache.Key("r", "https://r/token", "r", "repository:a:pull");
    private final AtomicInteger fetches = new AtomicInteger();

    private BearerToken fetch() {
        int n = fetches.incrementAndGet();
        return new BearerToken("t" + n, clock.instant().plusSeconds(60));
    }

    @Test
    void reusesTokenUntilExpiryMinusMargin() throws Exception {
        assertThat(cache.getOrFetch(key, this::fetch).value()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(49));
        assertThat(cache.getOrFetch(key, this::fetch).value()).isEqualTo("t1");
        assertThat(cache.valid(key)).isPresent();
        clock.advance(Duration.ofSeconds(1)); // 50 s: within the 10 s safety margin of the 60 s lifetime
        assertThat(cache.valid(key)).isEmpty();
        assertThat(cache.getOrFetch(key, this::fetch).value()).isEqualTo("t2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void keysAreIndependent() throws Exception {
        TokenCache.Key other = new TokenCache.Key("r", "https://r/token", "r", "repository:b:pull");
        cache.getOrFetch(key, this::fetch);
        cache.getOrFetch(other, this::fetch);
        assertThat(fetches).hasValue(2);
        assertThat(cache.valid(key).map(BearerToken::value)).contains("t1");
        assertThat(cache.valid(other).map(BearerToken::value)).contains("t2");
    }

    @Test
    void invalidateDropsOnlyTheRefusedToken() throws Exception {
        cache.getOrFetch(key, this::fetch);
        cache.invalidate(key, "someone-elses-older-token");
        assertThat(cache.valid(key)).isPresent();
        cache.invalidate(key, "t1");
        assertThat(cache.valid(key)).isEmpty();
        assertThat(cache.getOrFetch(key, this::fetch).value()).isEqualTo("t2");
    }

    @Test
    void failedFetchCachesNothing() {
        TokenCache.Fetcher failing = () -> {
            throw new RegistryUnavailableException("down", 503, Optional.empty(), null);
        };
        assertThatThrownBy(() -> cache.getOrFetch(key, failing)).isInstanceOf(RegistryUnavailableException.class);
        assertThat(cache.valid(key)).isEmpty();
    }

    @Test
    void concurrentMissesShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        TokenCache.Fetcher slow = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fetch();
        };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Thread t = new Thread(() -> {
                try {
                    seen.add(cache.getOrFetch(key, slow).value());
                } catch (RegistryException e) {
                    seen.add("failed");
                }
            });
            threads.add(t);
            t.start();
        }
        // All six are parked: one inside the fetcher on the latch, five on the key's lock.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        release.countDown();
        for (Thread t : threads) t.join(10_000);
        assertThat(fetches).hasValue(1);
        assertThat(seen).hasSize(6).containsOnly("t1");
    }

    @Test
    void tokenNeverPrintsItsValue() {
        assertThat(new BearerToken("s3cr3t", T0).toString()).doesNotContain("s3cr3t");
    }
}
