package io.tableauth.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/**
 * The users tables of common frameworks, as their own migrations create them: saving an auth config with a preset
 * fills every setting the admin left empty (or at tableauth's generic default, which the console pre-fills) with
 * what that framework's table needs. Settings typed by the admin win. Columns that only some installations have
 * (Devise's {@code confirmed_at}, Prisma's timestamps) are filled only when the table has them.
 *
 * <p>Sources: Laravel 11 {@code 0001_01_01_000000_create_users_table} and {@code Hash::make} (bcrypt {@code $2y$},
 * 12 rounds); Django 5.2 {@code auth_user} and {@code PBKDF2PasswordHasher}; Devise 4.9's migration template and
 * the bcrypt gem ({@code $2a$}, stretches 12); Auth.js's Prisma adapter schema with a {@code password} column (ids
 * by {@code cuid()}, bcrypt {@code $2b$} 10 as its credentials examples hash); Directus 11 {@code directus_users}
 * (uuid ids, {@code status}, node-argon2's defaults).
 */
public enum TablePreset {

    CUSTOM("custom", Map.of(), Map.of()),
    LARAVEL("laravel",
        settings("table", "users", "idColumn", "id", "credentialColumns", "email", "passwordColumn", "password",
            "emailColumn", "email", "fullNameColumn", "name", "hashTarget", "bcrypt-2y", "bcryptCost", "12"),
        settings("emailVerifiedColumn", "email_verified_at", "createdAtColumn", "created_at",
            "updatedAtColumn", "updated_at")),
    DJANGO("django",
        settings("table", "auth_user", "idColumn", "id", "credentialColumns", "username", "passwordColumn", "password",
            "emailColumn", "email", "firstNameColumn", "first_name", "lastNameColumn", "last_name",
            "enabledColumn", "is_active", "hashTarget", "django-pbkdf2-sha256",
            "insertDefaults", "is_superuser=false\nis_staff=false"),
        settings("lastLoginColumn", "last_login", "createdAtColumn", "date_joined")),
    DEVISE("devise",
        settings("table", "users", "idColumn", "id", "credentialColumns", "email", "passwordColumn",
            "encrypted_password", "emailColumn", "email", "hashTarget", "bcrypt-2a", "bcryptCost", "12"),
        settings("createdAtColumn", "created_at", "updatedAtColumn", "updated_at", "emailVerifiedColumn",
            "confirmed_at", "lastLoginColumn", "last_sign_in_at")),
    PRISMA("prisma",
        settings("table", "User", "idColumn", "id", "credentialColumns", "email", "passwordColumn", "password",
            "emailColumn", "email", "idGeneration", "cuid", "hashTarget", "bcrypt-2b", "bcryptCost", "10"),
        settings("fullNameColumn", "name", "emailVerifiedColumn", "emailVerified", "createdAtColumn", "createdAt",
            "updatedAtColumn", "updatedAt")),
    DIRECTUS("directus",
        settings("table", "directus_users", "idColumn", "id", "credentialColumns", "email", "passwordColumn",
            "password", "emailColumn", "email", "firstNameColumn", "first_name", "lastNameColumn", "last_name",
            "enabledColumn", "status", "enabledValues", "active", "disabledValue", "suspended", "idGeneration", "uuid",
            "hashTarget", "argon2id-node"),
        settings("lastLoginColumn", "last_access"));

    /** The values the console pre-fills: a preset replaces them as if they were empty. */
    private static final Map<String, String> GENERIC_DEFAULTS = Map.of(
        "idColumn", SqlUserStorageConfig.DEFAULT_ID_COLUMN,
        "credentialColumns", SqlUserStorageConfig.DEFAULT_CREDENTIAL_COLUMNS,
        "passwordColumn", SqlUserStorageConfig.DEFAULT_PASSWORD_COLUMN,
        "hashTarget", SqlUserStorageConfig.DEFAULT_HASH_TARGET,
        "bcryptCost", Integer.toString(SqlUserStorageConfig.DEFAULT_BCRYPT_COST),
        "idGeneration", "database");
    /** Multi-valued settings: one line per value. */
    private static final Set<String> LISTS = Set.of("insertDefaults");

    private final String id;
    private final Map<String, String> always;
    private final Map<String, String> whenColumnExists;

    TablePreset(String id, Map<String, String> always, Map<String, String> whenColumnExists) {
        this.id = id;
        this.always = always;
        this.whenColumnExists = whenColumnExists;
    }

    public String id() {
        return id;
    }

    public static TablePreset of(String id) {
        String v = id == null || id.isBlank() ? CUSTOM.id : id.trim().toLowerCase(Locale.ROOT);
        for (TablePreset p : values()) {
            if (p.id.equals(v)) {
                return p;
            }
        }
        throw new ComponentValidationException("tableauthInvalidValue", SqlUserStorageConfig.TABLE_PRESET, id);
    }

    /** Fills the settings every table of this framework has. */
    void fill(ComponentModel model) {
        always.forEach((key, value) -> fillOne(model, key, value));
    }

    /** Fills the settings whose column this table turned out to have (names compared ignoring case). */
    void fillExisting(ComponentModel model, Set<String> columns) {
        whenColumnExists.forEach((key, column) -> {
            if (columns.contains(column.toLowerCase(Locale.ROOT))) {
                fillOne(model, key, column);
            }
        });
    }

    private static void fillOne(ComponentModel model, String key, String value) {
        List<String> current = model.getConfig().get(key);
        String first = current == null || current.isEmpty() ? null : current.get(0);
        boolean unset = first == null || first.isBlank() || first.trim().equals(GENERIC_DEFAULTS.get(key));
        if (!unset) {
            return;
        }
        if (LISTS.contains(key)) {
            model.getConfig().put(key, List.of(value.split("\n")));
        } else {
            model.getConfig().putSingle(key, value);
        }
    }

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
