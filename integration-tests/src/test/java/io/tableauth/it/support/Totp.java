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
    private final int window;
    private final Set<String> handedOut = new HashSet<>();

    /** Codes for Keycloak's default policy: one step of skew either way. */
    public Totp(String base32Secret) {
        this(base32Secret, 1);
    }

    /**
     * Codes for a realm whose OTP policy accepts {@code window} steps of skew either way
     * ({@code otpPolicyLookAheadWindow}): {@link #fresh()} has 2 × window + 1 codes to hand out, whenever it is asked.
     */
    public Totp(String base32Secret, int window) {
        this.key = base32(base32Secret);
        this.window = window;
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
     * The code {@code stepOffset} steps from now, not handed out before (Keycloak takes each code once). A test that
     * needs particular offsets calls {@link #stayInStep} first, so that its steps do not roll over under it; a code
     * handed out before is a mistake in the test, and fails it at once rather than waiting for the next step.
     */
    public String step(int stepOffset) {
        awayFromStepEdge();
        String code = at(System.currentTimeMillis() / 1000 + (long) stepOffset * STEP_SECONDS);
        if (!handedOut.add(code)) {
            throw new IllegalStateException("the code " + stepOffset + " steps from now was handed out before");
        }
        return code;
    }

    /**
     * A code valid now (this step first, then one step either way, up to the window) not handed out before: Keycloak
     * takes each code once. An enrolment gives 2 × window + 1 codes however long the test runs: a step that rolls
     * over drops one code and brings a new one. A test that needs more enrols again or widens the realm's window;
     * asking for more fails at once instead of waiting 30 s for the next step.
     */
    public String fresh() {
        awayFromStepEdge();
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i <= 2 * window; i++) {
            int offset = (i + 1) / 2 * (i % 2 == 1 ? 1 : -1); // 0, 1, -1, 2, -2 ...
            String code = at(now + (long) offset * STEP_SECONDS);
            if (handedOut.add(code)) {
                return code;
            }
        }
        throw new IllegalStateException("all " + (2 * window + 1) + " codes of the policy window are used: the test"
            + " needs another enrolment or a wider window");
    }

    /**
     * Waits, when less than {@code seconds} are left of the current step, for the next one to begin: a test that
     * needs codes at particular offsets from now (just inside and outside the window) keeps them for that long.
     */
    public static void stayInStep(int seconds) {
        long left = STEP_SECONDS * 1000L - System.currentTimeMillis() % (STEP_SECONDS * 1000L);
        if (left < seconds * 1000L) {
            sleep(left + 100);
        }
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
