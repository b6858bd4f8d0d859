package io.tableauth.storage.twofactor;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Laravel application's second factor where Laravel Fortify 1.x keeps it, on the users table (the columns its
 * migration adds): {@code two_factor_secret} ({@code encrypt()} of a base32 secret), {@code two_factor_recovery_codes}
 * ({@code encrypt()} of a JSON list of codes) and {@code two_factor_confirmed_at}. Read as Fortify reads them with its
 * {@code confirm} option on (the default of its config): two-factor is on for a user with a secret and a confirmation
 * time. A code is checked as Fortify's {@code TwoFactorAuthenticationProvider} does (google2fa's
 * {@code verifyKeyNewer}, window 1) against the step Fortify remembers in Laravel's cache under
 * {@code fortify.2fa_codes.<md5 of the code>}; with the database cache store (Laravel 11's default) that is the
 * application's {@code cache} table, which tableauth reads and writes too, so a code used on one side is refused on
 * the other. A recovery code is used as Fortify's {@code replaceRecoveryCode} uses it: replaced by a new one in the
 * JSON text, encrypted again.
 */
public final class Fortify {

    public static final String FORMAT = "fortify";
    private static final String CODES_KEY = "fortify.2fa_codes.";
    private static final int WINDOW = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RANDOM_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Fortify() {
    }

    /** Where the user's row is: its table and id column as statements write them, and the id as a value. */
    public record Row(String quotedTable, String quotedId, Object id) {
    }

    private record Stored(String secret, String recoveryCodes, boolean confirmed) {
        boolean on() {
            return secret != null && confirmed;
        }
    }

    /** Checks that the users table has Fortify's three columns (a setting checked on save). */
    public static void requireColumns(Connection c, String quotedTable) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT two_factor_secret, two_factor_recovery_codes, "
            + "two_factor_confirmed_at FROM " + quotedTable + " WHERE 1 = 0")) {
            ps.executeQuery().close();
        }
    }

    /**
     * Of up to {@code sample} rows with a secret, how many do not decrypt with the keys (a wrong APP_KEY on save);
     * {@code [sampled, failing]}. Nothing of a secret leaves this method.
     */
    public static int[] undecryptable(Connection c, String quotedTable, List<byte[]> keys, int sample)
        throws SQLException {
        int seen = 0;
        int failing = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT two_factor_secret FROM " + quotedTable
            + " WHERE two_factor_secret IS NOT NULL")) {
            ps.setMaxRows(sample);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen++;
                    try {
                        LaravelEncrypter.decrypt(rs.getString(1), keys);
                    } catch (LaravelEncrypter.Refused e) {
                        failing++;
                    }
                }
            }
        }
        return new int[] {seen, failing};
    }

    private static Stored read(Connection c, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT two_factor_secret, two_factor_recovery_codes, "
            + "two_factor_confirmed_at FROM " + row.quotedTable() + " WHERE " + row.quotedId() + " = ?")) {
            ps.setObject(1, row.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Stored(null, null, false);
                }
                return new Stored(rs.getString(1), rs.getString(2), rs.getObject(3) != null);
            }
        }
    }

    /** Whether the user turned two-factor on (and confirmed it) in the application. */
    public static boolean configured(Connection c, Row row) throws SQLException {
        return read(c, row).on();
    }

    /**
     * A TOTP code: the step it matched (Fortify remembers it in the application's cache when the table is there), or
     * -1. A secret that does not decrypt refuses every code ({@link LaravelEncrypter.Refused}).
     *
     * @param cachePrefix Laravel's cache prefix ({@code CACHE_PREFIX}), or null when the application's cache is not
     *                    its database's {@code cache} table
     */
    public static long verify(Connection c, Row row, String code, List<byte[]> keys, String cachePrefix, Instant now)
        throws SQLException, LaravelEncrypter.Refused {
        Stored stored = read(c, row);
        if (!stored.on() || code == null) {
            return -1;
        }
        byte[] secret = Google2fa.secret(LaravelEncrypter.decrypt(stored.secret(), keys));
        if (secret == null) {
            throw new LaravelEncrypter.Refused("the secret is not a google2fa secret");
        }
        String typed = code.trim();
        String cacheKey = cachePrefix == null ? null : cachePrefix + CODES_KEY + md5(typed);
        long old = cacheKey == null ? -1 : cachedStep(c, cacheKey, now);
        long nowStep = Google2fa.step(now.getEpochSecond());
        long matched = Google2fa.verifyNewer(secret, typed, old, WINDOW, nowStep);
        if (matched >= 0 && cacheKey != null) {
            remember(c, cacheKey, old < 0 ? nowStep : matched, now.getEpochSecond() + Math.max(WINDOW, 1) * 60L);
        }
        return matched;
    }

    /**
     * A recovery code, used up as Fortify's {@code replaceRecoveryCode} does: the number of codes the user has (a
     * used one is replaced), or -1. The write names the ciphertext it read, so two logins racing with one code cannot
     * both use it.
     */
    public static int redeem(Connection c, Row row, String code, List<byte[]> keys)
        throws SQLException, LaravelEncrypter.Refused {
        Stored stored = read(c, row);
        if (!stored.on() || stored.recoveryCodes() == null || code == null) {
            return -1;
        }
        String text = LaravelEncrypter.decrypt(stored.recoveryCodes(), keys);
        List<String> codes;
        try {
            codes = JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (java.io.IOException e) {
            throw new LaravelEncrypter.Refused("the recovery codes are not a JSON list");
        }
        String typed = code.trim();
        String match = null;
        for (String candidate : codes) { // every code compared: no early exit
            if (candidate != null && MessageDigest.isEqual(candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                typed.getBytes(java.nio.charset.StandardCharsets.UTF_8)) && match == null) {
                match = candidate;
            }
        }
        if (match == null || match.isEmpty()) {
            return -1;
        }
        String replaced = LaravelEncrypter.encrypt(text.replace(match, newRecoveryCode()), keys.get(0));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + row.quotedTable()
            + " SET two_factor_recovery_codes = ? WHERE " + row.quotedId() + " = ? AND two_factor_recovery_codes = ?")) {
            ps.setString(1, replaced);
            ps.setObject(2, row.id());
            ps.setString(3, stored.recoveryCodes());
            return ps.executeUpdate() == 1 ? codes.size() : -1;
        }
    }

    /** Fortify's {@code RecoveryCode::generate()}: {@code Str::random(10) . '-' . Str::random(10)}. */
    static String newRecoveryCode() {
        StringBuilder code = new StringBuilder(21);
        for (int i = 0; i < 21; i++) {
            code.append(i == 10 ? '-' : RANDOM_CHARACTERS.charAt(RANDOM.nextInt(RANDOM_CHARACTERS.length())));
        }
        return code.toString();
    }

    /** The step Laravel's database cache store holds for the code ({@code serialize($int)}: {@code i:N;}), or -1. */
    private static long cachedStep(Connection c, String key, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value, expiration FROM cache WHERE " + Sql.keyColumn(c)
            + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(2) <= now.getEpochSecond()) {
                    return -1;
                }
                String value = rs.getString(1);
                return value != null && value.matches("i:-?[0-9]{1,18};")
                    ? Long.parseLong(value.substring(2, value.length() - 1)) : -1;
            }
        }
    }

    /** {@code Cache::put($key, $step, $seconds)} on the database store: an upsert of the serialized integer. */
    private static void remember(Connection c, String key, long step, long expiration) throws SQLException {
        boolean mysql = Sql.mysql(c);
        String sql = "INSERT INTO cache (" + Sql.keyColumn(c) + ", value, expiration) VALUES (?, ?, ?) " + (mysql
            ? "ON DUPLICATE KEY UPDATE value = VALUES(value), expiration = VALUES(expiration)"
            : "ON CONFLICT (" + Sql.keyColumn(c) + ") DO UPDATE SET value = EXCLUDED.value, expiration = EXCLUDED.expiration");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            ps.setString(2, "i:" + step + ";");
            ps.setLong(3, expiration);
            ps.executeUpdate();
        }
    }

    /** Whether the database has Laravel's cache table (the database cache store). */
    public static boolean hasCacheTable(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT value, expiration FROM cache WHERE 1 = 0")) {
            ps.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String md5(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
