package io.tableauth.rest.core;

import java.util.HashMap;
import java.util.Map;

import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The temporary token of a two-step login: it names the Keycloak authentication session the first step left waiting
 * for the code. Kept in Keycloak's single-use store (any node; only its SHA-256 is the key), taken once.
 */
final class TempTokens {

    /** How long a two-step login waits for its code, at most (the realm's login lifespan may be shorter). */
    static final int TEMP_TOKEN_SECONDS = 300;
    private static final String TEMP_TOKEN_KEY = "tableauth-2fa-login:";

    /** A redeemed token: the waiting authentication session, its client and user, and the auth config, if any. */
    record Waiting(ClientModel client, AuthenticationSessionModel authSession, UserModel user, ComponentModel config) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    TempTokens(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    String issue(Project project, AuthenticationSessionModel authSession) {
        String token = "temp_" + SecretGenerator.getInstance().randomString(40);
        Map<String, String> notes = new HashMap<>();
        notes.put("root", authSession.getParentSession().getId());
        notes.put("tab", authSession.getTabId());
        notes.put("client", authSession.getClient().getId());
        notes.put("user", authSession.getAuthenticatedUser().getId());
        if (project.authConfig() != null) {
            notes.put("config", project.authConfigId());
        }
        int ttl = Math.max(30, Math.min(TEMP_TOKEN_SECONDS, realm.getAccessCodeLifespanLogin()));
        session.singleUseObjects().put(TEMP_TOKEN_KEY + Digests.sha256Hex(token), ttl, notes);
        return token;
    }

    /** Takes the token (it works once, on any node); INVALID_TOKEN when it is unknown, used or its session gone. */
    Waiting redeem(String tempToken) {
        Map<String, String> notes = session.singleUseObjects()
            .remove(TEMP_TOKEN_KEY + Digests.sha256Hex(tempToken.trim()));
        if (notes == null) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired temporary token");
        }
        ClientModel client = realm.getClientById(notes.get("client"));
        AuthenticationSessionModel authSession = client == null ? null
            : KeycloakInternals.authenticationSession(session, realm, notes.get("root"), client, notes.get("tab"));
        UserModel user = authSession == null ? null : authSession.getAuthenticatedUser();
        if (user == null || !user.getId().equals(notes.get("user"))) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired temporary token");
        }
        ComponentModel config = notes.get("config") == null ? null : realm.getComponent(notes.get("config"));
        return new Waiting(client, authSession, user, config);
    }
}
