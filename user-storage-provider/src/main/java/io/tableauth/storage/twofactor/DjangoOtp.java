package io.tableauth.storage.twofactor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Django application's second factor where django-otp keeps it, read and used as django-otp 1.x does (its
 * {@code oath.TOTP}, {@code TOTPDevice.verify_token}, {@code StaticDevice.verify_token} and {@code ThrottlingMixin}):
 * <ul>
 *   <li>{@code otp_totp_totpdevice}: a hex {@code key}, {@code step}, {@code t0}, {@code digits}, {@code tolerance},
 *       {@code drift}, {@code last_t} (the step of the last accepted code: a code must be of a later step, so one used
 *       in the application cannot be used here again, and the other way round) and {@code confirmed};</li>
 *   <li>{@code otp_static_staticdevice} and {@code otp_static_statictoken}: backup codes, each deleted when used;</li>
 *   <li>both with {@code throttling_failure_count} and {@code throttling_failure_timestamp}: after n failures in a row
 *       a device takes no code for 2^(n-1) seconds (django-otp's default throttle factor, 1).</li>
 * </ul>
 * Each statement runs on its own committed connection, as django-otp saves each try: a used code stays used and a
 * failure stays counted, whatever happens to the login afterwards. The accepting {@code UPDATE} names the
 * {@code last_t} it read, so two logins racing with one code cannot both win, here or against the application.
 */
public final class DjangoOtp {

    public static final String FORMAT = "django-otp";
    static final String TOTP = "otp_totp_totpdevice";
    static final String STATIC = "otp_static_staticdevice";
    static final String STATIC_TOKEN = "otp_static_statictoken";
    private static final int THROTTLE_FACTOR = 1;

    private DjangoOtp() {
    }

    /** Whether the user has a confirmed device of either kind: then the login asks for the second factor. */
    public static boolean configured(Connection c, Object userId) throws SQLException {
        for (String table : List.of(TOTP, STATIC)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE user_id = ? AND confirmed"
                + " = ?")) {
                ps.setObject(1, userId);
                ps.setBoolean(2, true);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Checks that the tables django-otp's migrations create are there (a setting checked on save). */
    public static void requireTables(Connection c) throws SQLException {
        for (String table : List.of(TOTP, STATIC, STATIC_TOKEN)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0")) {
                ps.executeQuery().close();
            }
        }
    }

    record Device(long id, byte[] key, int step, long t0, int digits, int tolerance, int drift, long lastT,
                  int failures, Instant failedAt) {

        boolean throttled(Instant now) {
            return DjangoOtp.throttled(failures, failedAt, now);
        }
    }

    /** ThrottlingMixin: after {@code failures} failures in a row, no code for 2^(failures-1) seconds. */
    static boolean throttled(int failures, Instant failedAt, Instant now) {
        if (failures <= 0 || failedAt == null) {
            return false;
        }
        long required = THROTTLE_FACTOR * (1L << Math.min(failures - 1, 40));
        return now.toEpochMilli() - failedAt.toEpochMilli() < required * 1000L;
    }

    /**
     * When a device last failed. Django keeps datetimes in UTC: PostgreSQL's timestamptz is an instant, MySQL's and
     * MariaDB's datetime holds the UTC wall clock.
     */
    private static Instant failedAt(Connection c, ResultSet rs, int column) throws SQLException {
        if (Sql.mysql(c)) {
            java.time.LocalDateTime at = rs.getObject(column, java.time.LocalDateTime.class);
            return at == null ? null : at.toInstant(java.time.ZoneOffset.UTC);
        }
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static Object failureTime(Connection c, Instant now) throws SQLException {
        return Sql.mysql(c) ? java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC)
            : java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
    }

    /**
     * A TOTP code of one of the user's confirmed devices, used up when it matches (django-otp's {@code verify_token}:
     * the code as a number, within the device's tolerance around its drift, at a step after {@code last_t}).
     */
    public static boolean verifyTotp(Connection c, Object userId, String code, Instant now) throws SQLException {
        Long token = number(code);
        for (Device device : totpDevices(c, userId)) {
            if (device.throttled(now)) {
                continue;
            }
            long matched = token == null || device.key() == null ? Long.MIN_VALUE : match(device, token, now);
            if (matched != Long.MIN_VALUE && accept(c, device, matched, now)) {
                return true;
            }
            throttle(c, TOTP, device.id(), now);
        }
        return false;
    }

    /** A backup code of one of the user's confirmed static devices, deleted when it matches; -1 when none does. */
    public static int redeemStatic(Connection c, Object userId, String code, Instant now) throws SQLException {
        List<long[]> devices = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, throttling_failure_count, "
            + "throttling_failure_timestamp FROM " + STATIC + " WHERE user_id = ? AND confirmed = ? ORDER BY id")) {
            ps.setObject(1, userId);
            ps.setBoolean(2, true);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    devices.add(new long[] {rs.getLong(1), throttled(rs.getInt(2), failedAt(c, rs, 3), now) ? 1 : 0});
                }
            }
        }
        String token = code == null ? "" : code.trim();
        for (long[] device : devices) {
            if (device[1] == 1) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + STATIC_TOKEN + " WHERE id = (SELECT id "
                + "FROM (SELECT MIN(id) AS id FROM " + STATIC_TOKEN + " WHERE device_id = ? AND token = ?) AS one)")) {
                ps.setLong(1, device[0]);
                ps.setString(2, token);
                if (!token.isEmpty() && ps.executeUpdate() == 1) {
                    resetThrottle(c, STATIC, device[0]);
                    return remainingStatic(c, userId);
                }
            }
            throttle(c, STATIC, device[0], now);
        }
        return -1;
    }

    private static int remainingStatic(Connection c, Object userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + STATIC_TOKEN + " t JOIN " + STATIC
            + " d ON t.device_id = d.id WHERE d.user_id = ? AND d.confirmed = ?")) {
            ps.setObject(1, userId);
            ps.setBoolean(2, true);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static List<Device> totpDevices(Connection c, Object userId) throws SQLException {
        List<Device> devices = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + Sql.keyColumn(c) + ", step, t0, digits, tolerance, "
            + "drift, last_t, "
            + "throttling_failure_count, throttling_failure_timestamp FROM " + TOTP
            + " WHERE user_id = ? AND confirmed = ? ORDER BY id")) {
            ps.setObject(1, userId);
            ps.setBoolean(2, true);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    devices.add(new Device(rs.getLong(1), key(rs.getString(2)), rs.getInt(3), rs.getLong(4),
                        rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getLong(8), rs.getInt(9), failedAt(c, rs, 10)));
                }
            }
        }
        return devices;
    }

    /** The hex key, or null when it is empty or not hex: such a device takes no code (never "no second factor"). */
    private static byte[] key(String hex) {
        if (hex == null || hex.isBlank()) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** django-otp takes {@code int(token)}: digits, leading zeros ignored. */
    private static Long number(String code) {
        if (code == null || !code.trim().matches("[0-9]{1,10}")) {
            return null;
        }
        return Long.parseLong(code.trim());
    }

    /** The drift with which the token matches at a step after last_t, or Long.MIN_VALUE (oath.TOTP.verify). */
    static long match(Device device, long token, Instant now) {
        long seconds = now.getEpochSecond();
        for (int offset = -device.tolerance(); offset <= device.tolerance(); offset++) {
            int drift = device.drift() + offset;
            long t = Math.floorDiv(seconds - device.t0(), device.step()) + drift;
            if (t < device.lastT() + 1) {
                continue;
            }
            if (Hotp.of(device.key(), t, device.digits()) == token) {
                return drift;
            }
        }
        return Long.MIN_VALUE;
    }

    /** Marks the code's step used, only if no other login used a step as late since the device was read. */
    private static boolean accept(Connection c, Device device, long drift, Instant now) throws SQLException {
        long t = Math.floorDiv(now.getEpochSecond() - device.t0(), device.step()) + drift;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TOTP + " SET last_t = ?, drift = ?, "
            + "throttling_failure_count = 0, throttling_failure_timestamp = NULL WHERE id = ? AND last_t = ?")) {
            ps.setLong(1, t);
            ps.setInt(2, (int) drift);
            ps.setLong(3, device.id());
            ps.setLong(4, device.lastT());
            return ps.executeUpdate() == 1;
        }
    }

    private static void throttle(Connection c, String table, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET throttling_failure_count = "
            + "throttling_failure_count + 1, throttling_failure_timestamp = ? WHERE id = ?")) {
            ps.setObject(1, failureTime(c, now));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static void resetThrottle(Connection c, String table, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET throttling_failure_count = 0, "
            + "throttling_failure_timestamp = NULL WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
