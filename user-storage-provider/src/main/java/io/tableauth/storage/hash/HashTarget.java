package io.tableauth.storage.hash;

import java.util.Locale;

/**
 * The format tableauth writes new hashes in (signup, password change, rehash on login), chosen per auth config
 * so the application can still verify what tableauth writes.
 */
public enum HashTarget {
    /** {@code $2y$}: what PHP's password_hash writes; Laravel checks for it. */
    BCRYPT_2Y("bcrypt-2y"),
    /** {@code $2b$}: what Node's and Python's bcrypt write. */
    BCRYPT_2B("bcrypt-2b"),
    /** {@code $argon2id$v=19$m=65536,t=4,p=1$...}: PHP's PASSWORD_ARGON2ID defaults; Directus, node-argon2. */
    ARGON2ID("argon2id"),
    /** Django's {@code pbkdf2_sha256$600000$salt$hash}. */
    DJANGO_PBKDF2_SHA256("django-pbkdf2-sha256");

    /** PHP's PASSWORD_ARGON2ID defaults (memory in KiB, iterations, lanes): what PHP and Directus apps verify. */
    static final int ARGON2_MEMORY_KIB = 65536;
    static final int ARGON2_ITERATIONS = 4;
    static final int ARGON2_PARALLELISM = 1;
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    static final int DJANGO_ITERATIONS = 600_000;

    private final String id;

    HashTarget(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean bcrypt() {
        return this == BCRYPT_2Y || this == BCRYPT_2B;
    }

    public static HashTarget fromId(String id) {
        for (HashTarget t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown hash target '" + id + "'");
    }
}
