package io.tableauth.storage.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Verifies passwords against the hashes applications store and writes new ones in an auth config's target
 * format. Every algorithm is BouncyCastle's (the copy in Keycloak's own lib/); this class only reads and writes
 * the string formats around them.
 */
public final class PasswordHasher {

    /** Longer passwords are refused before any hashing, so nobody can make the server hash megabytes. */
    public static final int MAX_PASSWORD_BYTES = 1024;
    /** bcrypt reads at most 72 bytes; verification truncates like PHP does, writing refuses longer passwords. */
    public static final int BCRYPT_MAX_BYTES = 72;

    // Bounds on parameters read from stored hashes, so one hostile row cannot exhaust memory or CPU.
    private static final int MAX_ARGON2_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int MAX_SCRYPT_LOG2_N = 20;
    private static final int MAX_SCRYPT_R_TIMES_P = 64;
    private static final int SALT_BYTES = 16;
    private static final String DJANGO_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64_NOPAD = Base64.getEncoder().withoutPadding();

    /** A salt kept beside a legacy digest (its own column), put before or after the password. */
    public record LegacySalt(String value, boolean prefix) {
    }

    private final PasswordHashFormat fixedFormat;
    private final boolean allowLegacy;
    private final HashTarget target;
    private final int bcryptCost;

    /**
     * @param fixedFormat the only format accepted, or null to detect each stored value's format
     * @param allowLegacy whether MD5/SHA-1/SHA-256 hex digests and plaintext are accepted at all
     * @param target      the format new hashes are written in
     * @param bcryptCost  the cost of bcrypt hashes written (4 to 31)
     */
    public PasswordHasher(PasswordHashFormat fixedFormat, boolean allowLegacy, HashTarget target, int bcryptCost) {
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be between 4 and 31");
        }
        this.fixedFormat = fixedFormat;
        this.allowLegacy = allowLegacy;
        this.target = target;
        this.bcryptCost = bcryptCost;
    }

    /** The format a stored value is read as under this config, or null when it is not accepted. */
    public PasswordHashFormat formatOf(String stored) {
        PasswordHashFormat format = fixedFormat != null ? fixedFormat : PasswordHashFormat.detect(stored);
        if (format == null || (format.legacy() && !allowLegacy)) {
            return null;
        }
        return format;
    }

    /**
     * Whether the password matches the stored value. False for a wrong password and also for an empty, malformed,
     * unsupported or not-accepted stored value (never an exception for bad data).
     */
    public boolean verify(String password, String stored, LegacySalt salt) {
        if (password == null || stored == null || stored.isEmpty()) {
            return false;
        }
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (pw.length > MAX_PASSWORD_BYTES) {
            return false;
        }
        PasswordHashFormat format = formatOf(stored);
        if (format == null) {
            return false;
        }
        try {
            return switch (format) {
                case BCRYPT -> verifyBcrypt(stored, pw);
                case ARGON2 -> verifyArgon2(stored, pw);
                case DJANGO_PBKDF2 -> verifyDjango(stored, pw);
                case PHC_PBKDF2 -> verifyPhcPbkdf2(stored, pw);
                case SCRYPT -> verifyScrypt(stored, pw);
                case MD5 -> verifyDigest("MD5", stored, password, salt);
                case SHA1 -> verifyDigest("SHA-1", stored, password, salt);
                case SHA256 -> verifyDigest("SHA-256", stored, password, salt);
                case PLAINTEXT -> MessageDigest.isEqual(pw, stored.getBytes(StandardCharsets.UTF_8));
            };
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** A new hash of the password in the target format. */
    public String hash(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (pw.length > MAX_PASSWORD_BYTES) {
            throw new PasswordRejectedException("Password is too long (at most " + MAX_PASSWORD_BYTES + " bytes).");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return switch (target) {
            case BCRYPT_2Y, BCRYPT_2B, BCRYPT_2A -> {
                if (pw.length > BCRYPT_MAX_BYTES) {
                    throw new PasswordRejectedException("Password is too long for bcrypt (at most "
                        + BCRYPT_MAX_BYTES + " bytes).");
                }
                yield OpenBSDBCrypt.generate(target.bcryptVersion(), pw, salt, bcryptCost);
            }
            case ARGON2ID, ARGON2ID_NODE -> {
                Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(HashTarget.ARGON2_MEMORY_KIB)
                    .withIterations(target.argon2Iterations())
                    .withParallelism(target.argon2Parallelism())
                    .withSalt(salt)
                    .build();
                byte[] out = new byte[32];
                Argon2BytesGenerator generator = new Argon2BytesGenerator();
                generator.init(params);
                generator.generateBytes(pw, out);
                yield "$argon2id$v=19$m=" + HashTarget.ARGON2_MEMORY_KIB + ",t=" + target.argon2Iterations()
                    + ",p=" + target.argon2Parallelism() + "$" + B64_NOPAD.encodeToString(salt) + "$"
                    + B64_NOPAD.encodeToString(out);
            }
            case DJANGO_PBKDF2_SHA256 -> {
                StringBuilder djangoSalt = new StringBuilder();
                for (int i = 0; i < 22; i++) {
                    djangoSalt.append(DJANGO_SALT_CHARS.charAt(RANDOM.nextInt(DJANGO_SALT_CHARS.length())));
                }
                byte[] dk = pbkdf2(new SHA256Digest(), pw, djangoSalt.toString().getBytes(StandardCharsets.UTF_8),
                    HashTarget.DJANGO_ITERATIONS, 32);
                yield "pbkdf2_sha256$" + HashTarget.DJANGO_ITERATIONS + "$" + djangoSalt + "$"
                    + Base64.getEncoder().encodeToString(dk);
            }
        };
    }

    /**
     * Whether a stored value that just verified should be rewritten in the target format: it is legacy, another
     * algorithm than the target, or the target's algorithm with weaker parameters.
     */
    public boolean needsRehash(String stored) {
        PasswordHashFormat format = formatOf(stored);
        if (format == null || format.legacy()) {
            return true;
        }
        try {
            return switch (target) {
                case BCRYPT_2Y, BCRYPT_2B, BCRYPT_2A -> format != PasswordHashFormat.BCRYPT
                    || Integer.parseInt(stored.substring(4, 6)) < bcryptCost;
                case ARGON2ID, ARGON2ID_NODE -> {
                    if (format != PasswordHashFormat.ARGON2 || !stored.startsWith("$argon2id$")) {
                        yield true;
                    }
                    Argon2Phc phc = Argon2Phc.parse(stored);
                    yield phc.memoryKib < HashTarget.ARGON2_MEMORY_KIB || phc.iterations < target.argon2Iterations();
                }
                case DJANGO_PBKDF2_SHA256 -> !stored.startsWith("pbkdf2_sha256$")
                    || Integer.parseInt(stored.split("\\$")[1]) < HashTarget.DJANGO_ITERATIONS;
            };
        } catch (RuntimeException malformed) {
            return true;
        }
    }

    private static boolean verifyBcrypt(String stored, byte[] pw) {
        // BouncyCastle knows $2a$, $2b$ and $2y$; $2x$ (PHP's marker for the pre-2011 bug) has no correct reading.
        if (stored.startsWith("$2x$")) {
            return false;
        }
        return OpenBSDBCrypt.checkPassword(stored, pw);
    }

    private record Argon2Phc(int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt,
                             byte[] hash) {

        static Argon2Phc parse(String stored) {
            String[] parts = stored.split("\\$");
            int type = switch (parts[1]) {
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                case "argon2d" -> Argon2Parameters.ARGON2_d;
                default -> throw new IllegalArgumentException("not argon2");
            };
            int i = 2;
            int version = Argon2Parameters.ARGON2_VERSION_10;
            if (parts[i].startsWith("v=")) {
                version = Integer.parseInt(parts[i].substring(2));
                i++;
            }
            Map<String, String> params = phcParams(parts[i++]);
            return new Argon2Phc(type, version, Integer.parseInt(params.get("m")), Integer.parseInt(params.get("t")),
                Integer.parseInt(params.get("p")), b64(parts[i++]), b64(parts[i]));
        }
    }

    private static boolean verifyArgon2(String stored, byte[] pw) {
        Argon2Phc phc = Argon2Phc.parse(stored);
        if (phc.memoryKib > MAX_ARGON2_MEMORY_KIB || phc.iterations > MAX_ITERATIONS || phc.parallelism > 64) {
            return false;
        }
        Argon2Parameters params = new Argon2Parameters.Builder(phc.type)
            .withVersion(phc.version)
            .withMemoryAsKB(phc.memoryKib)
            .withIterations(phc.iterations)
            .withParallelism(phc.parallelism)
            .withSalt(phc.salt)
            .build();
        byte[] out = new byte[phc.hash.length];
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        generator.generateBytes(pw, out);
        return MessageDigest.isEqual(out, phc.hash);
    }

    private static boolean verifyDjango(String stored, byte[] pw) {
        String[] parts = stored.split("\\$", 4);
        Digest digest = switch (parts[0]) {
            case "pbkdf2_sha256" -> new SHA256Digest();
            case "pbkdf2_sha1" -> new SHA1Digest();
            default -> throw new IllegalArgumentException("not django pbkdf2");
        };
        int iterations = Integer.parseInt(parts[1]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        if (iterations > MAX_ITERATIONS) {
            return false;
        }
        byte[] dk = pbkdf2(digest, pw, parts[2].getBytes(StandardCharsets.UTF_8), iterations, expected.length);
        return MessageDigest.isEqual(dk, expected);
    }

    private static boolean verifyPhcPbkdf2(String stored, byte[] pw) {
        String[] parts = stored.split("\\$");
        Digest digest = switch (parts[1]) {
            case "pbkdf2-sha256" -> new SHA256Digest();
            case "pbkdf2-sha512" -> new SHA512Digest();
            case "pbkdf2-sha1", "pbkdf2" -> new SHA1Digest();
            default -> throw new IllegalArgumentException("not phc pbkdf2");
        };
        // passlib writes the rounds bare ("29000"), the PHC spec as "i=29000".
        String rounds = parts[2].startsWith("i=") ? phcParams(parts[2]).get("i") : parts[2];
        int iterations = Integer.parseInt(rounds);
        byte[] expected = b64(parts[4]);
        if (iterations > MAX_ITERATIONS) {
            return false;
        }
        return MessageDigest.isEqual(pbkdf2(digest, pw, b64(parts[3]), iterations, expected.length), expected);
    }

    private static boolean verifyScrypt(String stored, byte[] pw) {
        String[] parts = stored.split("\\$");
        Map<String, String> params = phcParams(parts[2]);
        int log2N = Integer.parseInt(params.get("ln"));
        int r = Integer.parseInt(params.get("r"));
        int p = Integer.parseInt(params.get("p"));
        if (log2N < 1 || log2N > MAX_SCRYPT_LOG2_N || r < 1 || p < 1 || r * p > MAX_SCRYPT_R_TIMES_P) {
            return false;
        }
        byte[] expected = b64(parts[4]);
        byte[] dk = SCrypt.generate(pw, b64(parts[3]), 1 << log2N, r, p, expected.length);
        return MessageDigest.isEqual(dk, expected);
    }

    private static boolean verifyDigest(String algorithm, String stored, String password, LegacySalt salt) {
        String input = salt == null || salt.value() == null ? password
            : salt.prefix() ? salt.value() + password : password + salt.value();
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(digest, HexFormat.of().parseHex(stored.toLowerCase(Locale.ROOT)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pbkdf2(Digest digest, byte[] password, byte[] salt, int iterations, int length) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest);
        generator.init(password, salt, iterations);
        return ((KeyParameter) generator.generateDerivedParameters(length * 8)).getKey();
    }

    /** {@code a=1,b=2} → map. */
    private static Map<String, String> phcParams(String s) {
        Map<String, String> map = new HashMap<>();
        for (String kv : s.split(",")) {
            int eq = kv.indexOf('=');
            map.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return map;
    }

    /** PHC's unpadded base64, and passlib's variant of it that writes '.' for '+'. */
    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s.replace('.', '+'));
    }
}
