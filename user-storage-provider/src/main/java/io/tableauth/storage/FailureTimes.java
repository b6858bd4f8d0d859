package io.tableauth.storage;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long failed logins of one scope (REST logins of a realm and auth config, Keycloak's own password logins of a
 * realm, a mail call) took, by kind: those that spent a hash in the realm's algorithm (unknown user, locked user, a Keycloak user's
 * wrong password) and those that spent a verify in a table's format (a table user's wrong password). Each failure is
 * then made to last as long as the slower kind's 90th percentile ({@link #floorNanos()}), so that neither its answer
 * nor its time tells which kind it was, with one hash spent instead of two.
 *
 * <p>Kept per node, in memory: it is a measurement of this node's own speed, which another node neither needs nor
 * shares. Bounded: at most {@value #MAX_SCOPES} scopes, the last {@value #WINDOW} failures of each kind.
 */
public final class FailureTimes {

    public static final int REALM_HASH = 0;
    public static final int TABLE_VERIFY = 1;

    /** Failures of a kind needed before it is trusted; until then a failure spends both hashes. */
    static final int MIN_SAMPLES = 5;
    static final int WINDOW = 64;
    private static final int MAX_SCOPES = 10_000;
    private static final Map<String, FailureTimes> BY_SCOPE = new ConcurrentHashMap<>();

    private final long[][] samples = new long[2][WINDOW];
    private final int[] count = new int[2];
    private final int[] next = new int[2];

    public static FailureTimes of(String scope) {
        FailureTimes times = BY_SCOPE.get(scope);
        if (times == null) {
            if (BY_SCOPE.size() >= MAX_SCOPES) {
                BY_SCOPE.clear();
            }
            times = BY_SCOPE.computeIfAbsent(scope, s -> new FailureTimes());
        }
        return times;
    }

    public synchronized void record(int kind, long nanos) {
        samples[kind][next[kind]] = nanos;
        next[kind] = (next[kind] + 1) % WINDOW;
        count[kind] = Math.min(count[kind] + 1, WINDOW);
    }

    /** The time every failure of this scope should take, or -1 while a kind has too few samples to say. */
    public synchronized long floorNanos() {
        long floor = 0;
        for (int kind = 0; kind < 2; kind++) {
            if (count[kind] < MIN_SAMPLES) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(samples[kind], count[kind]);
            Arrays.sort(sorted);
            floor = Math.max(floor, sorted[(int) Math.ceil(0.9 * sorted.length) - 1]);
        }
        return floor;
    }

    /** Waits this long, when it is more than nothing: no CPU, so an evened failure costs a thread's time only. */
    public static void waitFor(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
