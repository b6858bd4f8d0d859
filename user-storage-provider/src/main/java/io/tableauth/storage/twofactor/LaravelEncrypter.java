package io.tableauth.storage.twofactor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Laravel's {@code Illuminate\Encryption\Encrypter} with its default cipher, AES-256-CBC, as {@code encrypt()} and
 * {@code decrypt()} use it: the payload is the base64 of a JSON object {@code {iv, value, mac, tag}}, {@code iv} the
 * base64 of 16 random bytes, {@code value} the base64 ciphertext (PKCS#7), {@code mac} the lowercase hex HMAC-SHA256
 * of the two base64 strings {@code iv . value} under the key, {@code tag} empty (absent before Laravel 8.54). The
 * plaintext is PHP-serialized ({@code s:N:"...";}) by {@code encrypt($value)}; read back, a serialized string is
 * unserialized and anything else returned as it is ({@code encryptString}). The MAC is checked before anything is
 * decrypted, in constant time, against each key in turn (the current one, then Laravel's previous keys).
 */
public final class LaravelEncrypter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private LaravelEncrypter() {
    }

    /** A value that is not a payload of these keys (tampered, another key, not Laravel's): never read as absent. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    /** Laravel's {@code APP_KEY}: {@code base64:...} (as {@code key:generate} writes it) or the 32 raw bytes. */
    public static byte[] key(String appKey) throws Refused {
        if (appKey == null) {
            throw new Refused("no key");
        }
        String value = appKey.trim();
        byte[] key;
        try {
            key = value.startsWith("base64:") ? Base64.getDecoder().decode(value.substring(7))
                : value.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused("the key is not base64");
        }
        if (key.length != 32) {
            throw new Refused("an AES-256-CBC key has 32 bytes, this one " + key.length);
        }
        return key;
    }

    /** The plaintext of {@code payload}, unserialized when it is a serialized PHP string. */
    public static String decrypt(String payload, List<byte[]> keys) throws Refused {
        JsonNode fields;
        try {
            fields = JSON.readTree(Base64.getDecoder().decode(payload.trim()));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new Refused("not a Laravel payload");
        }
        if (fields == null || !fields.path("iv").isTextual() || !fields.path("value").isTextual()
            || !fields.path("mac").isTextual()) {
            throw new Refused("not a Laravel payload");
        }
        if (fields.hasNonNull("tag") && !fields.path("tag").asText().isEmpty()) {
            throw new Refused("an AEAD payload, not AES-256-CBC");
        }
        String iv = fields.path("iv").asText();
        String value = fields.path("value").asText();
        byte[] mac = HexFormat.of().parseHex(fields.path("mac").asText().length() == 64
            && fields.path("mac").asText().matches("[0-9a-f]{64}") ? fields.path("mac").asText() : "00");
        for (byte[] key : keys) {
            if (!MessageDigest.isEqual(hmac(key, iv + value), mac)) {
                continue;
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
                byte[] ivBytes = Base64.getDecoder().decode(iv);
                if (ivBytes.length != 16) {
                    throw new Refused("the IV is not 16 bytes");
                }
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ivBytes));
                String plain = new String(cipher.doFinal(Base64.getDecoder().decode(value)), StandardCharsets.UTF_8);
                return unserialize(plain);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new Refused("the ciphertext does not decrypt");
            }
        }
        throw new Refused("the MAC is not that of this key");
    }

    /** {@code encrypt($plaintext)}: serialized as a PHP string, then encrypted under {@code key} with a fresh IV. */
    public static String encrypt(String plaintext, byte[] key) {
        try {
            byte[] ivBytes = new byte[16];
            RANDOM.nextBytes(ivBytes);
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ivBytes));
            String iv = Base64.getEncoder().encodeToString(ivBytes);
            String value = Base64.getEncoder().encodeToString(cipher.doFinal(serialize(plaintext)
                .getBytes(StandardCharsets.UTF_8)));
            ObjectNode fields = JSON.createObjectNode();
            fields.put("iv", iv);
            fields.put("value", value);
            fields.put("mac", HexFormat.of().formatHex(hmac(key, iv + value)));
            fields.put("tag", "");
            return Base64.getEncoder().encodeToString(JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PHP's {@code serialize()} of a string: {@code s:<length in bytes>:"<bytes>";}. */
    static String serialize(String value) {
        return "s:" + value.getBytes(StandardCharsets.UTF_8).length + ":\"" + value + "\";";
    }

    /** A serialized PHP string's value; anything else as it is. */
    static String unserialize(String value) throws Refused {
        if (!value.startsWith("s:")) {
            return value;
        }
        int colon = value.indexOf(':', 2);
        if (colon < 0 || !value.endsWith("\";") || value.charAt(colon + 1) != '"') {
            throw new Refused("not a serialized string");
        }
        int length;
        try {
            length = Integer.parseInt(value.substring(2, colon));
        } catch (NumberFormatException e) {
            throw new Refused("not a serialized string");
        }
        String inner = value.substring(colon + 2, value.length() - 2);
        if (inner.getBytes(StandardCharsets.UTF_8).length != length) {
            throw new Refused("a serialized string of another length");
        }
        return inner;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
