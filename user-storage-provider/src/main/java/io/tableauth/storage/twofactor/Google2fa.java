package io.tableauth.storage.twofactor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * pragmarx/google2fa 8 as Laravel Fortify uses it: a base32 secret (upper case A-Z2-7, a power-of-two length of at
 * least 16), HMAC-SHA1 over the 8-byte time step, 6 digits zero-padded, 30-second steps, compared as strings in
 * constant time; {@code verifyKeyNewer} tries the steps from {@code max(now - window, oldStep + 1)} to
 * {@code now + window} in ascending order, the first match winning.
 */
public final class Google2fa {

    static final int STEP_SECONDS = 30;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Google2fa() {
    }

    /** The time step of {@code epochSeconds}: {@code floor(time / 30)}. */
    public static long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, STEP_SECONDS);
    }

    /** The secret's bytes, or null when google2fa would refuse it (its checks: alphabet, length). */
    public static byte[] secret(String base32) {
        if (base32 == null) {
            return null;
        }
        String value = base32.trim().toUpperCase(Locale.ROOT);
        if (value.length() < 16 || Integer.bitCount(value.length()) != 1) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(value.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < value.length(); i++) {
            int digit = ALPHABET.indexOf(value.charAt(i));
            if (digit < 0) {
                return null;
            }
            buffer = (buffer << 5) | digit;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }

    /** The code of a step, 6 digits with leading zeros. */
    static String code(byte[] secret, long step) {
        return String.format("%06d", Hotp.of(secret, step, 6));
    }

    /** The step the code matches, or -1: {@code verifyKeyNewer} with {@code oldStep} (-1 for none). */
    public static long verifyNewer(byte[] secret, String code, long oldStep, int window, long nowStep) {
        if (code == null) {
            return -1;
        }
        byte[] typed = code.getBytes(StandardCharsets.UTF_8);
        long from = oldStep < 0 ? nowStep - window : Math.max(nowStep - window, oldStep + 1);
        for (long step = from; step <= nowStep + window; step++) {
            if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.UTF_8), typed)) {
                return step;
            }
        }
        return -1;
    }
}
