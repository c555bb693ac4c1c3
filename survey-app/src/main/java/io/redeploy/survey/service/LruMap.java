package io.redeploy.survey.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond {@code maxEntries}: keeps the limiters' memory bounded
 * when an attacker cycles through addresses or emails. Not thread-safe; its owners synchronize.
 */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int maxEntries;

    LruMap(int maxEntries) {
        super(16, 0.75f, true);
        this.maxEntries = maxEntries;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
    }
}
