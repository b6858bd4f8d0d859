package io.tableauth.rest.core;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.apikey.ApiKeyTokens;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;

/**
 * Who is calling, by the Bearer token of the request: a login's access token (its session still active) or a token
 * exchanged for an API key; whether the caller may change the account or manage other users.
 */
public final class CallerService {

    private static final Logger LOG = Logger.getLogger(CallerService.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public CallerService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * The user of a valid access token of this realm: a Bearer token whose session is still active, or a token
     * exchanged for an API key that is still usable. For calls that only read; else INVALID_TOKEN.
     */
    public UserModel me(String accessToken) {
        BearerAuth auth = accessToken == null ? null : bearer(accessToken);
        if (auth == null) {
            throw AuthError.invalidToken();
        }
        return auth.user();
    }

    /**
     * The caller of a call that changes the account (profile, password, e-mail, deletion, two-factor, API keys): a
     * Bearer token of a login. A token exchanged for an API key carries only the key's scopes and gets FORBIDDEN.
     */
    public BearerAuth accountCaller(String accessToken) {
        BearerAuth auth = accessToken == null ? null : bearer(accessToken);
        if (auth == null) {
            throw AuthError.invalidToken();
        }
        if (ApiKeyTokens.isApiKeyToken(auth.token())) {
            Events.of(session).event(EventType.UPDATE_PROFILE_ERROR).user(auth.user())
                .detail(Details.REASON, "token of an API key").error(Errors.NOT_ALLOWED);
            throw new AuthError(AuthError.Kind.FORBIDDEN, "A token obtained with an API key cannot change the account");
        }
        return auth;
    }

    /**
     * The verified access token's user and session, or null (bad signature, expired, session gone, user disabled). A
     * token exchanged for an API key has no session: it is verified by {@link ApiKeyTokens}.
     */
    public BearerAuth bearer(String accessToken) {
        try {
            BearerAuth auth = BearerAuth.of(new AppAuthManager.BearerTokenAuthenticator(session).setRealm(realm)
                .setTokenString(accessToken.trim()).authenticate());
            return auth != null ? auth : ApiKeyTokens.verify(session, accessToken.trim());
        } catch (RuntimeException e) {
            Availability.rethrowIfUnavailable(e); // the user's table is out of reach: 503, not "invalid token"
            LOG.debugf("tableauth: bearer token refused: %s", e.getMessage());
            return null;
        }
    }

    /** May the caller (by access token) manage users of this realm? */
    public boolean canManageUsers(BearerAuth caller) {
        if (caller == null) {
            return false;
        }
        ClientModel realmManagement = session.clients().getClientByClientId(realm, Constants.REALM_MANAGEMENT_CLIENT_ID);
        if (realmManagement == null) {
            return false;
        }
        RoleModel manageUsers = realmManagement.getRole("manage-users");
        return manageUsers != null && caller.user().hasRole(manageUsers);
    }
}
