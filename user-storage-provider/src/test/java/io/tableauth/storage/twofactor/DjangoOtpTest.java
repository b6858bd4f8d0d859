package io.tableauth.storage.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** django-otp's own doctest vectors ({@code django_otp.oath.hotp} and {@code TOTP.verify}), computed here. */
class DjangoOtpTest {

    private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    private static DjangoOtp.Device device(int drift, long lastT) {
        return new DjangoOtp.Device(1, KEY, 30, 0, 6, 1, drift, lastT, 0, null);
    }

    @Test
    void hotpGivesDjangoOtpsTokens() {
        long[] expected = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
        for (int counter = 0; counter < expected.length; counter++) {
            assertEquals(expected[counter], Hotp.of(KEY, counter, 6), "counter " + counter);
        }
    }

    @Test
    void aTokenMatchesWithinTheToleranceAndOnlyAfterTheLastUsedStep() {
        Instant t1 = Instant.ofEpochSecond(30); // step 1: 287082; step 2 (one ahead): 359152
        assertEquals(0, DjangoOtp.match(device(0, -1), 287082, t1));
        assertEquals(1, DjangoOtp.match(device(0, -1), 359152, t1), "one step ahead: drift 1");
        assertEquals(Long.MIN_VALUE, DjangoOtp.match(device(0, -1), 969429, t1), "two steps ahead: no");
        assertEquals(Long.MIN_VALUE, DjangoOtp.match(device(0, 2), 359152, t1), "min_t 3: no");
        assertEquals(Long.MIN_VALUE, DjangoOtp.match(device(0, 1), 287082, t1), "the step already used: no");
        assertEquals(1, DjangoOtp.match(device(1, -1), 359152, t1), "the device's own drift counts");
    }

    @Test
    void throttlingDoublesTheWaitAfterEachFailure() {
        Instant failed = Instant.ofEpochSecond(1_000);
        DjangoOtp.Device three = new DjangoOtp.Device(1, KEY, 30, 0, 6, 1, 0, -1, 3, failed);
        assertTrue(three.throttled(failed.plusSeconds(3)), "3 failures: 4 seconds");
        assertFalse(three.throttled(failed.plusSeconds(4)));
        assertFalse(new DjangoOtp.Device(1, KEY, 30, 0, 6, 1, 0, -1, 0, null).throttled(failed));
    }
}
