package io.tableauth.storage;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ids in the form of Prisma's {@code @default(cuid())} (cuid v1): {@code c}, the time in milliseconds, a counter,
 * a process fingerprint and random digits, all base 36; 25 characters, roughly ordered by time.
 */
final class Cuid {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger COUNTER = new AtomicInteger(RANDOM.nextInt(1_679_616));
    private static final String FINGERPRINT = fingerprint();
    private static final int BLOCK = 4;
    private static final int BASE = 36;
    private static final int BLOCK_SPACE = 1_679_616; // 36^4

    private Cuid() {
    }

    static String next() {
        return "c" + pad(Long.toString(System.currentTimeMillis(), BASE), 8)
            + pad(Integer.toString(Math.floorMod(COUNTER.getAndIncrement(), BLOCK_SPACE), BASE), BLOCK)
            + FINGERPRINT
            + pad(Integer.toString(RANDOM.nextInt(BLOCK_SPACE), BASE), BLOCK)
            + pad(Integer.toString(RANDOM.nextInt(BLOCK_SPACE), BASE), BLOCK);
    }

    private static String fingerprint() {
        String jvm = ManagementFactory.getRuntimeMXBean().getName();
        int pid = (int) ProcessHandle.current().pid();
        return pad(Integer.toString(Math.floorMod(pid, BASE * BASE), BASE), 2)
            + pad(Integer.toString(Math.floorMod(jvm.hashCode(), BASE * BASE), BASE), 2);
    }

    private static String pad(String s, int size) {
        String lower = s.toLowerCase(Locale.ROOT);
        return lower.length() >= size ? lower.substring(lower.length() - size) : "0".repeat(size - lower.length()) + lower;
    }
}
