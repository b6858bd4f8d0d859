package io.tableauth.rest.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digests of high-entropy secrets (API keys, temporary tokens), as the keys they are stored and looked up by. */
public final class Digests {

    private Digests() {
    }

    /** SHA-256 of the UTF-8 text, as lower-case hex. */
    public static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
