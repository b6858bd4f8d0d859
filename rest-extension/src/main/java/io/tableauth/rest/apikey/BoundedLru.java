package io.tableauth.rest.apikey;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A map that keeps at most {@code capacity} entries, dropping the least recently used one for each new one past it.
 * One lock for all: every call is a few hash-map steps, and a node's busiest caller (forward-auth with a held key)
 * makes one {@link #get} per request.
 */
final class BoundedLru<K, V> {

    private final LinkedHashMap<K, V> map;
    private volatile int capacity;

    BoundedLru(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedLru.this.capacity;
            }
        };
    }

    /** A new bound; entries past it go, least recently used first. */
    synchronized void capacity(int capacity) {
        this.capacity = Math.max(1, capacity);
        var oldest = map.entrySet().iterator();
        while (map.size() > this.capacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    /** Replaces the value only while the key is there (a use recorded after an invalidation adds nothing back). */
    synchronized void replace(K key, V value) {
        map.replace(key, value);
    }

    synchronized void remove(K key) {
        map.remove(key);
    }

    synchronized void removeIf(Predicate<V> which) {
        map.values().removeIf(which);
    }

    synchronized int size() {
        return map.size();
    }
}
