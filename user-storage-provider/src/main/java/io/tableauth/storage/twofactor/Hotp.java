package io.tableauth.storage.twofactor;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 4226's HOTP with HMAC-SHA1 (dynamic truncation, the low {@code digits} decimal digits): django-otp's and google2fa's. */
final class Hotp {

    private Hotp() {
    }

    static long of(byte[] key, long counter, int digits) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int offset = hash[19] & 0x0f;
        long binary = ((hash[offset] & 0x7fL) << 24) | ((hash[offset + 1] & 0xffL) << 16)
            | ((hash[offset + 2] & 0xffL) << 8) | (hash[offset + 3] & 0xffL);
        return binary % (long) Math.pow(10, digits);
    }
}
