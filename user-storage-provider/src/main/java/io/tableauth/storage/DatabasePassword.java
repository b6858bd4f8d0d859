package io.tableauth.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The stored database password, bound to the database and user it was typed for. The admin console sends a secret
 * back masked, and Keycloak then keeps the stored value; without the binding, an admin could change only the JDBC URL
 * and have the stored password sent to a server of their choice. Keycloak's LDAP provider has the same rule for its
 * bind credential. A password is stored as {@code tableauth-bound:<fingerprint of database and user>:<password>}:
 * a value typed in the console never has the fingerprint of the stored one, so tableauth can tell a kept password
 * from a typed one even when both are the same text.
 */
final class DatabasePassword {

    private static final String PREFIX = "tableauth-bound:";
    private static final int FINGERPRINT_LENGTH = 22;

    private DatabasePassword() {
    }

    /** The password itself (also of values stored before binding existed, and of vault references). */
    static String unwrap(String stored) {
        return bound(stored) ? stored.substring(PREFIX.length() + FINGERPRINT_LENGTH + 1) : stored;
    }

    /** The fingerprint a stored value is bound to, or {@code null} for a value as typed. */
    static String boundTo(String stored) {
        return bound(stored) ? stored.substring(PREFIX.length(), PREFIX.length() + FINGERPRINT_LENGTH) : null;
    }

    private static boolean bound(String stored) {
        return stored != null && stored.startsWith(PREFIX) && stored.length() > PREFIX.length() + FINGERPRINT_LENGTH
            && stored.charAt(PREFIX.length() + FINGERPRINT_LENGTH) == ':';
    }

    /** The value to store for a password typed for this database and user. */
    static String bind(String password, String database, String user) {
        return PREFIX + fingerprint(database, user) + ":" + password;
    }

    static String fingerprint(String database, String user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((database + "\n" + (user == null ? "" : user)).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, FINGERPRINT_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
