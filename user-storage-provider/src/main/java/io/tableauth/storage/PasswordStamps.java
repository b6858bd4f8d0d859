package io.tableauth.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

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

    private static final String PREFIX = "tableauth-password-stamp:";
    private static final String WROTE = ":wrote";
    /**
     * How long a stamp is kept: longer than Keycloak's default SSO sessions (10 hours); kept short of 2^31 ms, which
     * the single-use store's lifespan must stay under.
     */
    private static final int LIFESPAN_SECONDS = 20 * 24 * 3600;

    private PasswordStamps() {
    }

    /**
     * Records the hash tableauth itself wrote for the user, under a key of its own: Keycloak's single-use store takes
     * one write per key and transaction, and a login may both read a row (recording what it saw) and rehash it.
     */
    static void wrote(KeycloakSession session, RealmModel realm, String userId, String hash) {
        String key = key(realm, userId) + WROTE;
        Map<String, String> mine = thisRequest(session);
        if (!mine.containsKey(key)) {
            session.singleUseObjects().put(key, LIFESPAN_SECONDS, Map.of("s", stamp(hash)));
        }
        mine.put(key, stamp(hash));
    }

    /**
     * The row of {@code user} as just read from the table: when its hash is neither the one last seen nor the one
     * tableauth last wrote, the user's sessions and tokens end (and a LOGOUT event says why). What was seen is
     * recorded, once per request.
     *
     * @param tokenUse the row was read for a token's use (a refresh, a bearer check): what this very request issues
     *                 is refused too; a login's own new tokens are kept
     * @return whether sessions were ended
     */
    static boolean seen(KeycloakSession session, RealmModel realm, UserModel user, String hash, boolean tokenUse) {
        String key = key(realm, user.getId());
        String now = stamp(hash);
        Map<String, String> mine = thisRequest(session);
        if (now.equals(mine.get(key)) || now.equals(mine.get(key + WROTE))) {
            return false;
        }
        Map<String, String> was = session.singleUseObjects().get(key);
        Map<String, String> ours = session.singleUseObjects().get(key + WROTE);
        boolean sameAsSeen = was != null && now.equals(was.get("s"));
        boolean same = sameAsSeen || ours != null && now.equals(ours.get("s"));
        if (!mine.containsKey(key) && !sameAsSeen) {
            session.singleUseObjects().put(key, LIFESPAN_SECONDS, Map.of("s", now));
        }
        mine.put(key, now);
        if (was == null && ours == null || same) {
            return false; // first seen, or nothing changed
        }
        // Every token issued before stops, and the sessions go, though a request that is using one may write it
        // back. For a token's use, from the next second, so that what this very request issues is refused.
        AccessEnds.end(session, realm, user, "the application changed the password in its table", tokenUse, true);
        return true;
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
