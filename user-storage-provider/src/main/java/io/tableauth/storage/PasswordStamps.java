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
 * stolen account by replacing the hash) and ends the user's sessions and tokens: the user's "not before" moves to now
 * (every token issued before is refused at its next use or refresh, on every node) and the sessions are removed.
 * The last hash each node read or wrote for a user is kept as a short stamp (a digest, never the hash) in Keycloak's
 * single-use store, which every node sees; whenever the row is read from the table again (a login, a mail, a token use
 * once Keycloak's held copy expired) a different stamp means the hash changed behind Keycloak's back. tableauth's own
 * writes (a changed password, a rehash) record their new stamp first. A user first seen has nothing to compare.
 */
final class PasswordStamps {

    private static final Logger LOG = Logger.getLogger(PasswordStamps.class);
    private static final String PREFIX = "tableauth-password-stamp:";
    /**
     * How long a stamp is kept: longer than Keycloak's default SSO sessions (10 hours); kept short of 2^31 ms, which
     * the single-use store's lifespan must stay under.
     */
    private static final int LIFESPAN_SECONDS = 20 * 24 * 3600;

    private PasswordStamps() {
    }

    /** Records the hash tableauth itself wrote for the user. */
    static void wrote(KeycloakSession session, RealmModel realm, String userId, String hash) {
        record(session, key(realm, userId), stamp(hash));
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
        String known = thisRequest(session).get(key);
        if (known != null) {
            if (!known.equals(now)) {
                record(session, key, now); // changed within this request, by its own write
            }
            return false;
        }
        Map<String, String> was = session.singleUseObjects().get(key);
        if (was != null && now.equals(was.get("s"))) {
            thisRequest(session).put(key, now);
            return false;
        }
        record(session, key, now);
        if (was == null) {
            return false;
        }
        // Every token issued until now stops (Keycloak's own "not before" of the user, checked at every token use and
        // refresh, on every node), and the sessions go: a request that is using one may write it back. The next
        // second, so that what this very request issues (a refresh's new tokens) is refused too.
        session.users().setNotBeforeForUser(realm, user, org.keycloak.common.util.Time.currentTime() + 1);
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

    /**
     * Writes a stamp: Keycloak's single-use store takes one put per key and transaction, so a second write of the
     * same request replaces the first.
     */
    private static void record(KeycloakSession session, String key, String stamp) {
        Map<String, String> mine = thisRequest(session);
        if (mine.containsKey(key)) {
            session.singleUseObjects().replace(key, Map.of("s", stamp));
        } else {
            session.singleUseObjects().put(key, LIFESPAN_SECONDS, Map.of("s", stamp));
        }
        mine.put(key, stamp);
    }

    /** The stamps this request has read or written, by key. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> thisRequest(KeycloakSession session) {
        Map<String, String> mine = session.getAttribute(PREFIX, Map.class);
        if (mine == null) {
            mine = new java.util.HashMap<>();
            session.setAttribute(PREFIX, mine);
        }
        return mine;
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
