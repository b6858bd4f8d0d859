package io.tableauth.storage.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Verification against vectors made by other implementations (see hash-vectors/README.md), and the write side. */
class PasswordHasherTest {

    private static final PasswordHasher STRICT = new PasswordHasher(null, false, HashTarget.BCRYPT_2Y, 12);
    private static final PasswordHasher LEGACY = new PasswordHasher(null, true, HashTarget.BCRYPT_2Y, 12);

    record Vector(String format, String password, String hash, String wrong, String salt, String alsoVerifies,
                  String source) {

        @Override
        public String toString() {
            return format + " from " + source;
        }
    }

    static Stream<Vector> vectors() throws IOException {
        try (InputStream in = PasswordHasherTest.class.getResourceAsStream("/hash-vectors/hash-vectors.json")) {
            List<Vector> list = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(in)) {
                list.add(new Vector(n.get("format").asText(), n.get("password").asText(), n.get("hash").asText(),
                    n.get("wrong").asText(), text(n, "salt"), text(n, "also_verifies"), n.get("source").asText()));
            }
            return list.stream();
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static PasswordHashFormat family(String vectorFormat) {
        if (vectorFormat.startsWith("bcrypt")) {
            return PasswordHashFormat.BCRYPT;
        }
        if (vectorFormat.startsWith("argon2")) {
            return PasswordHashFormat.ARGON2;
        }
        if (vectorFormat.startsWith("pbkdf2_")) {
            return PasswordHashFormat.DJANGO_PBKDF2;
        }
        if (vectorFormat.startsWith("pbkdf2-")) {
            return PasswordHashFormat.PHC_PBKDF2;
        }
        if (vectorFormat.startsWith("md5")) {
            return PasswordHashFormat.MD5;
        }
        if (vectorFormat.startsWith("sha256")) {
            return PasswordHashFormat.SHA256;
        }
        return PasswordHashFormat.fromId(vectorFormat);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verifiesTheRightPasswordAndRefusesAWrongOne(Vector v) {
        PasswordHashFormat family = family(v.format());
        PasswordHasher hasher = family == PasswordHashFormat.PLAINTEXT
            ? new PasswordHasher(PasswordHashFormat.PLAINTEXT, true, HashTarget.BCRYPT_2Y, 12)
            : family.legacy() ? LEGACY : STRICT;
        PasswordHasher.LegacySalt salt = v.salt() == null ? null
            : new PasswordHasher.LegacySalt(v.salt(), v.format().endsWith("prefix"));

        assertTrue(hasher.verify(v.password(), v.hash(), salt), "right password must verify");
        assertFalse(hasher.verify(v.wrong(), v.hash(), salt), "wrong password must not verify");
        if (v.alsoVerifies() != null) {
            assertTrue(hasher.verify(v.alsoVerifies(), v.hash(), salt), "bcrypt reads only 72 bytes, as PHP does");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void autoDetectsTheFormatFromTheStoredValue(Vector v) {
        PasswordHashFormat family = family(v.format());
        if (family == PasswordHashFormat.PLAINTEXT) {
            assertNull(PasswordHashFormat.detect(v.hash()), "plaintext is never guessed");
        } else {
            assertEquals(family, PasswordHashFormat.detect(v.hash()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void legacyFormatsAreRefusedUnlessAllowed(Vector v) {
        if (family(v.format()).legacy() && family(v.format()) != PasswordHashFormat.PLAINTEXT) {
            PasswordHasher.LegacySalt salt = v.salt() == null ? null
                : new PasswordHasher.LegacySalt(v.salt(), v.format().endsWith("prefix"));
            assertFalse(STRICT.verify(v.password(), v.hash(), salt));
        }
    }

    @ParameterizedTest
    @EnumSource(HashTarget.class)
    void writesHashesThatVerifyAndNeedNoRehash(HashTarget target) {
        PasswordHasher hasher = new PasswordHasher(null, false, target, 10);
        String hash = hasher.hash("pässwörd-ünïcode-🔑");

        assertTrue(STRICT.verify("pässwörd-ünïcode-🔑", hash, null), hash);
        assertFalse(STRICT.verify("pässwörd-ünïcode", hash, null), hash);
        assertFalse(hasher.needsRehash(hash), "a fresh hash already has the target's strength: " + hash);
        String prefix = switch (target) {
            case BCRYPT_2Y -> "$2y$10$";
            case BCRYPT_2B -> "$2b$10$";
            case BCRYPT_2A -> "$2a$10$";
            case ARGON2ID -> "$argon2id$v=19$m=65536,t=4,p=1$";
            case ARGON2ID_NODE -> "$argon2id$v=19$m=65536,t=3,p=4$";
            case DJANGO_PBKDF2_SHA256 -> "pbkdf2_sha256$1000000$";
        };
        assertTrue(hash.startsWith(prefix), hash);
    }

    @Test
    void rehashesLegacyOtherAlgorithmsAndWeakerParameters() throws IOException {
        List<Vector> all = vectors().toList();
        String bcrypt10 = all.stream().filter(v -> v.hash().startsWith("$2y$10$")).findFirst().orElseThrow().hash();
        String bcrypt12 = all.stream().filter(v -> v.hash().startsWith("$2y$12$")).findFirst().orElseThrow().hash();
        String argonWeak = all.stream().filter(v -> v.hash().contains("m=8192")).findFirst().orElseThrow().hash();
        String argonPhp = all.stream().filter(v -> v.hash().startsWith("$argon2id$v=19$m=65536,t=4,p=1$"))
            .findFirst().orElseThrow().hash();
        String md5 = all.stream().filter(v -> v.format().equals("md5")).findFirst().orElseThrow().hash();

        assertTrue(LEGACY.needsRehash(bcrypt10), "cost 10 < target 12");
        assertFalse(LEGACY.needsRehash(bcrypt12));
        assertTrue(LEGACY.needsRehash(md5), "legacy always");
        assertTrue(LEGACY.needsRehash(argonPhp), "another algorithm than the target");

        PasswordHasher argonTarget = new PasswordHasher(null, false, HashTarget.ARGON2ID, 12);
        assertTrue(argonTarget.needsRehash(argonWeak), "m=8192 < 65536");
        assertFalse(argonTarget.needsRehash(argonPhp));
        assertTrue(argonTarget.needsRehash(bcrypt12));
    }

    @Test
    void refusesOverLongPasswordsBeforeHashing() {
        String huge = "x".repeat(PasswordHasher.MAX_PASSWORD_BYTES + 1);
        assertThrows(PasswordRejectedException.class, () -> STRICT.hash(huge));
        // The stored hash is the huge password's own (PBKDF2 by the JDK, in Django's format): only the length
        // limit can refuse it. The longest allowed password, hashed the same way, verifies.
        String longest = "x".repeat(PasswordHasher.MAX_PASSWORD_BYTES);
        assertTrue(STRICT.verify(longest, djangoPbkdf2(longest), null), "the longest allowed password verifies");
        assertFalse(STRICT.verify(huge, djangoPbkdf2(huge), null), "one byte more is refused before hashing");
        PasswordRejectedException tooLongForBcrypt =
            assertThrows(PasswordRejectedException.class, () -> STRICT.hash("y".repeat(73)));
        assertTrue(tooLongForBcrypt.getMessage().contains("72"));
        assertTrue(new PasswordHasher(null, false, HashTarget.ARGON2ID, 12).hash("y".repeat(73)).startsWith("$argon2id$"));
    }

    /** Django's {@code pbkdf2_sha256$1000$salt$hash} of a password, computed by the JDK, not by tableauth. */
    private static String djangoPbkdf2(String password) {
        try {
            byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new javax.crypto.spec.PBEKeySpec(password.toCharArray(), "sodiumchloride".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), 1000, 256)).getEncoded();
            return "pbkdf2_sha256$1000$sodiumchloride$" + java.util.Base64.getEncoder().encodeToString(hash);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void malformedOrUnknownStoredValuesNeverVerifyAndNeverThrow() {
        for (String stored : List.of("", "$argon2id$v=19$garbage", "$2y$99$short", "pbkdf2_sha256$x$y$z",
            "$scrypt$ln=30,r=8,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "not-a-hash",
            "5f4dcc3b5aa765d61d8327deb882cf99")) {
            assertFalse(STRICT.verify("password", stored, null), stored);
        }
        assertNull(STRICT.formatOf("5f4dcc3b5aa765d61d8327deb882cf99"), "md5 needs legacy allowed");
    }
}
