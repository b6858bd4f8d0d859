package io.tableauth.rest.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BoundedLruTest {

    @Test
    void pastTheCapacityTheLeastRecentlyUsedGoes() {
        BoundedLru<String, Integer> lru = new BoundedLru<>(3);
        lru.put("a", 1);
        lru.put("b", 2);
        lru.put("c", 3);
        assertNotNull(lru.get("a")); // a used: b is now the least recently used
        lru.put("d", 4);
        assertEquals(3, lru.size());
        assertNull(lru.get("b"));
        assertEquals(1, lru.get("a"));
        assertEquals(4, lru.get("d"));
    }

    @Test
    void aHundredThousandKeysStayWithinTheBound() {
        BoundedLru<String, Integer> lru = new BoundedLru<>(20_000);
        for (int i = 0; i < 100_000; i++) {
            lru.put("key-" + i, i);
        }
        assertEquals(20_000, lru.size());
        assertEquals(99_999, lru.get("key-99999"));
        assertNull(lru.get("key-0"));
    }

    @Test
    void replaceAddsNothingBackAndASmallerBoundDropsTheOldest() {
        BoundedLru<String, Integer> lru = new BoundedLru<>(10);
        lru.replace("gone", 1);
        assertNull(lru.get("gone"), "a use recorded after an invalidation adds nothing back");
        for (int i = 0; i < 10; i++) {
            lru.put("k" + i, i);
        }
        lru.capacity(4);
        assertEquals(4, lru.size());
        assertNull(lru.get("k5"));
        assertEquals(9, lru.get("k9"));
        lru.removeIf(v -> v % 2 == 1);
        assertEquals(2, lru.size());
    }
}
