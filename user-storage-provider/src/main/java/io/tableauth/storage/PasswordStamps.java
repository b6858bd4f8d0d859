package io.tableauth.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionProvider;

/**
 * Notices a password hash the application changed in its own table (a reset in the application, or an admin locking a
 * stolen account by replacing the hash) and ends the user's sessions, as Keycloak ends them when a password is reset.
 * The last hash each node read or wrote for a user is kept as a short stamp (a digest, never the hash) in Keycloak's
 * single-use store, which every node sees; whenever the row is read from the table again (a login, a mail, a token use
 * once Keycloak's held copy expired) a different stamp means the hash changed behind Keycloak's back. tableauth's own
 * writes (a changed password, a rehash) record their new stamp first. A user first seen has nothing to compare.
 */
final class PasswordStamps {

    private static final Logger LOG = Logger.getLogger(PasswordStamps.class);
    private static final String PREFIX = "tableauth-password-stamp:";
    /** How long a stamp is kept: longer than any session Keycloak keeps by default. */
    private static final int LIFESPAN_SECONDS = 60 * 24 * 3600;

    private PasswordStamps() {
    }

    /** Records the hash tableauth itself wrote for the user. */
    static void wrote(KeycloakSession session, RealmModel realm, String userId, String hash) {
        session.singleUseObjects().put(key(realm, userId), LIFESPAN_SECONDS, Map.of("s", stamp(hash)));
    }

    /**
     * The row of {@code user} as just read from the table: when its hash is not the one last recorded, the user's
     * sessions, online and offline, end (and a LOGOUT event says why); the new hash is recorded either way.
     *
     * @return whether sessions were ended
     */
    static boolean seen(KeycloakSession session, RealmModel realm, UserModel user, String hash) {
        String key = key(realm, user.getId());
        String now = stamp(hash);
        Map<String, String> was = session.singleUseObjects().get(key);
        if (was != null && now.equals(was.get("s"))) {
            return false;
        }
        session.singleUseObjects().put(key, LIFESPAN_SECONDS, Map.of("s", now));
        if (was == null) {
            return false;
        }
        UserSessionProvider sessions = session.sessions();
        long ended = sessions.getUserSessionsStream(realm, user).toList().stream()
            .peek(s -> sessions.removeUserSession(realm, s)).count()
            + sessions.getOfflineUserSessionsStream(realm, user).toList().stream()
            .peek(s -> sessions.removeOfflineUserSession(realm, s)).count();
        LOG.debugf("tableauth: the application changed the password of user %s: %d sessions ended", user.getId(), ended);
        if (session.getContext().getConnection() != null) {
            new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.LOGOUT).user(user)
                .detail(Details.REASON, "tableauth: the application changed the password in its table")
                .success();
        }
        return true;
    }

    private static String key(RealmModel realm, String userId) {
        return PREFIX + realm.getId() + ":" + userId;
    }

    /** The first 16 hex digits of the hash's SHA-256: enough to tell hashes apart, useless to guess a password. */
    static String stamp(String hash) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((hash == null ? "" : hash).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
