package io.tableauth.storage.twofactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Laravel's Encrypter and google2fa, against values their own code produced (PHP's Illuminate Encrypter, RFC 6238). */
class FortifyFormatsTest {

    private static final String APP_KEY = "base64:q9p5DyR0bY6uQ0V0w3m9cZr2Zq0a1b2c3d4e5f6g7h8=";
    /** {@code (new Encrypter($key, 'AES-256-CBC'))->encrypt('JBSWY3DPEHPK3PXP')} in PHP, Illuminate 8.83. */
    private static final String PHP_PAYLOAD = "eyJpdiI6IlVydSs4TGlNOGoxS0cyTldvKzhrdEE9PSIsInZhbHVlIjoiaHNkQ3B3K0xSa1ozMk5iYnpP"
        + "L3o2UTVGc3dKcmxWYUJKQXhiNnNFUDRaRT0iLCJtYWMiOiI3MDhjNDE3MmRjMTQ4NmNjYmVkZTQ4NTUwYWI0MDI4ODNkNjdmMjJmYzQ2MzU2MTU2"
        + "ZGU0MmJkOTNiYzdiNTBiIiwidGFnIjoiIn0=";

    @Test
    void aPayloadLaravelWroteDecryptsAndUnserializes() throws Exception {
        byte[] key = LaravelEncrypter.key(APP_KEY);
        assertEquals("JBSWY3DPEHPK3PXP", LaravelEncrypter.decrypt(PHP_PAYLOAD, List.of(key)));
        byte[] other = LaravelEncrypter.key("base64:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertEquals("JBSWY3DPEHPK3PXP", LaravelEncrypter.decrypt(PHP_PAYLOAD, List.of(other, key)),
            "a previous key still reads it");
        assertThrows(LaravelEncrypter.Refused.class, () -> LaravelEncrypter.decrypt(PHP_PAYLOAD, List.of(other)));
    }

    @Test
    void aTamperedPayloadIsRefusedNotReadAsEmpty() throws Exception {
        byte[] key = LaravelEncrypter.key(APP_KEY);
        String json = new String(java.util.Base64.getDecoder().decode(PHP_PAYLOAD), StandardCharsets.UTF_8);
        String tampered = java.util.Base64.getEncoder().encodeToString(json.replace("\"value\":\"h", "\"value\":\"i")
            .getBytes(StandardCharsets.UTF_8));
        assertThrows(LaravelEncrypter.Refused.class, () -> LaravelEncrypter.decrypt(tampered, List.of(key)));
        assertThrows(LaravelEncrypter.Refused.class, () -> LaravelEncrypter.decrypt("not a payload", List.of(key)));
        assertThrows(LaravelEncrypter.Refused.class, () -> LaravelEncrypter.key("base64:c2hvcnQ="));
    }

    @Test
    void whatWeEncryptReadsBackWithAFreshIv() throws Exception {
        byte[] key = LaravelEncrypter.key(APP_KEY);
        String codes = "[\"abcdefghij-klmnopqrst\",\"é\"]";
        String a = LaravelEncrypter.encrypt(codes, key);
        assertEquals(codes, LaravelEncrypter.decrypt(a, List.of(key)));
        assertTrue(!a.equals(LaravelEncrypter.encrypt(codes, key)), "a fresh IV each time");
        assertEquals("s:5:\"\u00e9abc\";", LaravelEncrypter.serialize("\u00e9abc"), "the length in bytes, as PHP counts");
    }

    @Test
    void google2faGivesRfc6238sCodesAndTakesOnlyLaterSteps() {
        byte[] secret = Google2fa.secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"); // "12345678901234567890"
        assertArrayEquals("12345678901234567890".getBytes(StandardCharsets.US_ASCII), secret);
        assertEquals("287082", Google2fa.code(secret, Google2fa.step(59)));
        assertEquals("081804", Google2fa.code(secret, Google2fa.step(1111111109)));
        long now = Google2fa.step(1111111109);
        assertEquals(now, Google2fa.verifyNewer(secret, "081804", -1, 1, now));
        assertEquals(-1, Google2fa.verifyNewer(secret, "081804", now, 1, now), "the remembered step: refused");
        assertEquals(-1, Google2fa.verifyNewer(secret, "81804", -1, 1, now), "compared as a string of 6 digits");
        assertEquals(now + 1, Google2fa.verifyNewer(secret, Google2fa.code(secret, now + 1), now, 1, now));
        assertNull(Google2fa.secret("GEZDGNBVGY3TQOJ"), "too short");
        assertNull(Google2fa.secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"), "not base32");
    }

    @Test
    void aNewRecoveryCodeHasFortifysShape() {
        assertTrue(Fortify.newRecoveryCode().matches("[A-Za-z0-9]{10}-[A-Za-z0-9]{10}"));
    }
}
