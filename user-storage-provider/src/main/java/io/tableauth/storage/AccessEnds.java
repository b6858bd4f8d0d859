package io.tableauth.storage;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionProvider;

/**
 * Ends a table user's access because of what the application did to its own row (disabled it, replaced the password
 * hash): every token issued before is refused at its next use or refresh, on every node (Keycloak's own "not before"
 * of the user), the sessions, online and offline, are removed, and a {@code LOGOUT} event with the reason tells the
 * realm's event listeners.
 */
final class AccessEnds {

    private static final Logger LOG = Logger.getLogger(AccessEnds.class);

    private AccessEnds() {
    }

    /**
     * @param reason      what the application did, for the event's {@code reason}
     * @param nextSecond  the "not before" moves to the next second, so that what this very request issues (a
     *                    refresh's tokens) is refused too; else to now, which keeps a login's own new tokens
     * @param alwaysEvent an event even when no session was open (a password change: the tokens ended)
     * @return how many sessions were removed
     */
    static long end(KeycloakSession session, RealmModel realm, UserModel user, String reason, boolean nextSecond,
                    boolean alwaysEvent) {
        session.users().setNotBeforeForUser(realm, user, Time.currentTime() + (nextSecond ? 1 : 0));
        UserSessionProvider sessions = session.sessions();
        long ended = sessions.getUserSessionsStream(realm, user).toList().stream()
            .peek(s -> sessions.removeUserSession(realm, s)).count()
            + sessions.getOfflineUserSessionsStream(realm, user).toList().stream()
            .peek(s -> sessions.removeOfflineUserSession(realm, s)).count();
        LOG.debugf("tableauth: %s (user %s): %d sessions ended", reason, user.getId(), ended);
        if (ended > 0 || alwaysEvent) {
            EventBuilder event = session.getContext().getConnection() != null
                ? new EventBuilder(realm, session, session.getContext().getConnection())
                : new EventBuilder(realm, session);
            event.event(EventType.LOGOUT).user(user).detail(Details.REASON, "tableauth: " + reason).success();
        }
        return ended;
    }
}
