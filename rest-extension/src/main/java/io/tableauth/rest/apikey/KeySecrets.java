package io.tableauth.rest.apikey;

import java.security.SecureRandom;
import java.util.Base64;

import io.tableauth.rest.core.Digests;

/** The secret part of an API key: how it is made, what shape it has, and the hash stored in its place. */
final class KeySecrets {

    /** Random bytes in a key: 256 bits. */
    static final int SECRET_BYTES = 32;
    private static final int KEY_LENGTH = ApiKeyService.KEY_PREFIX.length() + 43; // base64url of 32 bytes, unpadded
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    /** Whether a presented key has a key's shape (prefix and length); nothing is looked up for one that has not. */
    static boolean wellFormed(String presented) {
        return presented != null && presented.length() == KEY_LENGTH && presented.startsWith(ApiKeyService.KEY_PREFIX);
    }

    /** A new random key for the row: its hash and hint go into the row, the key itself only to the caller. */
    static String newSecret(ApiKeyEntity key) {
        String secret = ApiKeyService.KEY_PREFIX
            + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(SECRET_BYTES));
        key.setSecretHash(hash(secret));
        key.setKeyHint(secret.substring(0, ApiKeyService.KEY_PREFIX.length() + 4));
        return secret;
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** SHA-256 of the whole key, hex. A key has 256 random bits, so an unsalted fast hash is enough to store it. */
    static String hash(String key) {
        return Digests.sha256Hex(key);
    }
}
