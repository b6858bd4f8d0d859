package io.tableauth.rest.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * The caller's own Keycloak user sessions (online and offline), as Keycloak's account console and the admin console's
 * Sessions tab show them: list, end one, end all but the current one. Ending is Keycloak's backchannel logout, as the
 * account console does it: the session, its refresh tokens and its clients' sessions end on every node.
 */
public final class SessionService {

    /** One session; times in epoch seconds, as Keycloak keeps them. */
    public record Session(String id, long started, long lastAccess, String ipAddress, List<String> clients,
                          boolean current, boolean offline) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public SessionService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public List<Session> list(BearerAuth caller) {
        String current = currentId(caller);
        return sessions(caller).map(s -> new Session(s.getId(), s.getStarted(), s.getLastSessionRefresh(),
                s.getIpAddress(), s.getAuthenticatedClientSessions().values().stream()
                    .map(AuthenticatedClientSessionModel::getClient).filter(Objects::nonNull)
                    .map(c -> c.getClientId()).sorted().toList(),
                s.getId().equals(current), s.isOffline()))
            .toList();
    }

    /** Ends one of the caller's sessions (the current one too); another user's session is as unknown as none. */
    public void end(BearerAuth caller, String id) {
        List<UserSessionModel> matching = id == null ? List.of() : Stream.concat(
                Stream.ofNullable(session.sessions().getUserSession(realm, id)),
                Stream.ofNullable(session.sessions().getOfflineUserSession(realm, id)))
            .filter(s -> s.getUser().getId().equals(caller.user().getId()))
            .toList();
        if (matching.isEmpty()) {
            throw new AuthError(AuthError.Kind.NOT_FOUND, "Session not found");
        }
        matching.forEach(s -> logout(caller, s));
    }

    /** Ends every session of the caller but the one of this request; how many ended. */
    public int endOthers(BearerAuth caller) {
        String current = currentId(caller);
        List<UserSessionModel> others = sessions(caller).filter(s -> !s.getId().equals(current)).toList();
        others.forEach(s -> logout(caller, s));
        return others.size();
    }

    private Stream<UserSessionModel> sessions(BearerAuth caller) {
        // collected first: a logout removes sessions from the streams' source
        return Stream.concat(session.sessions().getUserSessionsStream(realm, caller.user()),
                session.sessions().getOfflineUserSessionsStream(realm, caller.user()))
            .toList().stream();
    }

    private static String currentId(BearerAuth caller) {
        return caller.session() != null ? caller.session().getId() : caller.token().getSessionId();
    }

    private void logout(BearerAuth caller, UserSessionModel s) {
        KeycloakInternals.endSession(session, s);
        Events.of(session).event(EventType.LOGOUT).user(caller.user()).session(s.getId()).success();
    }
}
