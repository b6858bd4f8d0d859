package io.tableauth.storage.hash;

import java.util.Locale;
import java.util.regex.Pattern;

/** The password hash formats tableauth reads, as applications store them. */
public enum PasswordHashFormat {
    /** {@code $2a$ $2b$ $2y$ $2x$}: PHP/Laravel, Node bcrypt, Python bcrypt. */
    BCRYPT("bcrypt", false),
    /** {@code $argon2id$ / $argon2i$ / $argon2d$} PHC strings: PHP password_hash, Directus, node-argon2, argon2-cffi. */
    ARGON2("argon2", false),
    /** Django's {@code pbkdf2_sha256$iterations$salt$hash} and {@code pbkdf2_sha1$...}. */
    DJANGO_PBKDF2("django-pbkdf2", false),
    /** PHC/passlib {@code $pbkdf2-sha256$...}, {@code $pbkdf2-sha512$...}, {@code $pbkdf2$...} (SHA-1). */
    PHC_PBKDF2("phc-pbkdf2", false),
    /** PHC/passlib {@code $scrypt$ln=..,r=..,p=..$salt$hash}. */
    SCRYPT("scrypt", false),
    /** Hex MD5 of the password, optionally with a salt column. Legacy: only when allowed. */
    MD5("md5", true),
    /** Hex SHA-1. Legacy. */
    SHA1("sha1", true),
    /** Hex SHA-256. Legacy. */
    SHA256("sha256", true),
    /** The password itself. Legacy; never auto-detected. */
    PLAINTEXT("plaintext", true);

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    private final String id;
    private final boolean legacy;

    PasswordHashFormat(String id, boolean legacy) {
        this.id = id;
        this.legacy = legacy;
    }

    /** The config value naming this format. */
    public String id() {
        return id;
    }

    /** Unsalted or fast digests and plaintext: accepted only when the admin allows legacy formats. */
    public boolean legacy() {
        return legacy;
    }

    public static PasswordHashFormat fromId(String id) {
        for (PasswordHashFormat f : values()) {
            if (f.id.equalsIgnoreCase(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown hash format '" + id + "'");
    }

    /**
     * Reads the format from a stored value, or null when it is none tableauth recognises. Hex digests are
     * recognised by length (32 MD5, 40 SHA-1, 64 SHA-256); plaintext never is.
     */
    public static PasswordHashFormat detect(String stored) {
        if (stored == null || stored.isEmpty()) {
            return null;
        }
        String s = stored.toLowerCase(Locale.ROOT);
        if (s.startsWith("$2a$") || s.startsWith("$2b$") || s.startsWith("$2y$") || s.startsWith("$2x$")) {
            return BCRYPT;
        }
        if (s.startsWith("$argon2id$") || s.startsWith("$argon2i$") || s.startsWith("$argon2d$")) {
            return ARGON2;
        }
        if (s.startsWith("pbkdf2_sha256$") || s.startsWith("pbkdf2_sha1$")) {
            return DJANGO_PBKDF2;
        }
        if (s.startsWith("$pbkdf2-sha256$") || s.startsWith("$pbkdf2-sha512$") || s.startsWith("$pbkdf2-sha1$")
            || s.startsWith("$pbkdf2$")) {
            return PHC_PBKDF2;
        }
        if (s.startsWith("$scrypt$")) {
            return SCRYPT;
        }
        if (HEX.matcher(s).matches()) {
            return switch (s.length()) {
                case 32 -> MD5;
                case 40 -> SHA1;
                case 64 -> SHA256;
                default -> null;
            };
        }
        return null;
    }
}
