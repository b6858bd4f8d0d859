package io.tableauth.it.support;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 TOTP written here from the RFC (HMAC-SHA1, 6 digits, 30-second steps: Keycloak's default policy), so
 * tests check Keycloak's OTP against an implementation that is not Keycloak's.
 */
public final class Totp {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    public static final int STEP_SECONDS = 30;

    private final byte[] key;
    private final Set<String> handedOut = new HashSet<>();

    public Totp(String base32Secret) {
        this.key = base32(base32Secret);
    }

    /** The code of the step containing {@code epochSeconds}. */
    public String at(long epochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(epochSeconds / STEP_SECONDS).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
                | (h[offset + 3] & 0xff);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The code {@code stepOffset} steps from now, after waiting out the last 2 s of a step so it cannot roll over, and
     * not one {@link #fresh()} handed out before (Keycloak takes each code once: the previous step's code may be the
     * one a setup used), waiting for the next step when it was.
     */
    public String step(int stepOffset) {
        awayFromStepEdge();
        String code = at(System.currentTimeMillis() / 1000 + (long) stepOffset * STEP_SECONDS);
        if (!handedOut.contains(code)) {
            return code;
        }
        sleep(STEP_SECONDS * 1000L);
        return step(stepOffset);
    }

    /** A valid code (this step, the next or the previous one) not handed out before: Keycloak takes each code once. */
    public String fresh() {
        awayFromStepEdge();
        for (int offset : new int[] {0, 1, -1}) {
            String code = at(System.currentTimeMillis() / 1000 + (long) offset * STEP_SECONDS);
            if (handedOut.add(code)) {
                return code;
            }
        }
        sleep(STEP_SECONDS * 1000L);
        return fresh();
    }

    /** A code that is not valid in any step near now. */
    public String wrong() {
        Set<String> near = new HashSet<>();
        long now = System.currentTimeMillis() / 1000;
        for (int i = -3; i <= 3; i++) {
            near.add(at(now + (long) i * STEP_SECONDS));
        }
        for (int n = 0; ; n++) {
            String candidate = String.format(Locale.ROOT, "%06d", (123_456 + n * 7919) % 1_000_000);
            if (!near.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static void awayFromStepEdge() {
        long intoStep = System.currentTimeMillis() % (STEP_SECONDS * 1000L);
        if (intoStep > (STEP_SECONDS - 2) * 1000L) {
            sleep(STEP_SECONDS * 1000L - intoStep + 100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base32(String s) {
        String clean = s.replace(" ", "").replace("=", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int v = BASE32.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not Base32: " + s);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
