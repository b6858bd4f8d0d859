package io.tableauth.storage.hash;

import java.util.Locale;

/**
 * The format tableauth writes new hashes in (signup, password change, rehash on login), chosen per auth config
 * so the application can still verify what tableauth writes.
 */
public enum HashTarget {
    /** {@code $2y$}: what PHP's password_hash writes; Laravel checks for it. */
    BCRYPT_2Y("bcrypt-2y"),
    /** {@code $2b$}: what Node's and Python's bcrypt (and bcryptjs 3) write. */
    BCRYPT_2B("bcrypt-2b"),
    /** {@code $2a$}: what Ruby's bcrypt gem writes, so Rails Devise (and bcryptjs 2). */
    BCRYPT_2A("bcrypt-2a"),
    /** {@code $argon2id$v=19$m=65536,t=4,p=1$...}: PHP's PASSWORD_ARGON2ID defaults (Laravel's argon2id driver). */
    ARGON2ID("argon2id"),
    /** {@code $argon2id$v=19$m=65536,t=3,p=4$...}: node-argon2's defaults, which Directus writes. */
    ARGON2ID_NODE("argon2id-node"),
    /** Django's {@code pbkdf2_sha256$1000000$salt$hash}, as Django 5.2 LTS writes it. */
    DJANGO_PBKDF2_SHA256("django-pbkdf2-sha256");

    /** Argon2 memory in KiB: PHP's and node-argon2's default alike. */
    static final int ARGON2_MEMORY_KIB = 65536;
    /** Django 5.2's PBKDF2PasswordHasher.iterations (Django upgrades other counts at the next login). */
    static final int DJANGO_ITERATIONS = 1_000_000;

    private final String id;

    HashTarget(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean bcrypt() {
        return this == BCRYPT_2Y || this == BCRYPT_2B || this == BCRYPT_2A;
    }

    public boolean argon2() {
        return this == ARGON2ID || this == ARGON2ID_NODE;
    }

    /** The bcrypt version marker written ({@code 2y}, {@code 2b}, {@code 2a}). */
    String bcryptVersion() {
        return id.substring("bcrypt-".length());
    }

    /** Argon2 passes (t) of this target. */
    int argon2Iterations() {
        return this == ARGON2ID_NODE ? 3 : 4;
    }

    /** Argon2 lanes (p) of this target. */
    int argon2Parallelism() {
        return this == ARGON2ID_NODE ? 4 : 1;
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
