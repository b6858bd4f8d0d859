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
     * The user of a valid access token for a call that only reads the account ({@code me}): a login's token issued to
     * a first-party client ({@link #accountCaller}'s rule), or a token exchanged for one of the user's API keys that
     * is still usable (reading is what a key is for). INVALID_TOKEN or FORBIDDEN otherwise.
     */
    public UserModel me(String accessToken) {
        BearerAuth auth = accessToken == null ? null : bearer(accessToken);
        if (auth == null) {
            throw AuthError.invalidToken();
        }
        if (!ApiKeyTokens.isApiKeyToken(auth.token())) {
            requireFirstParty(auth, EventType.USER_INFO_REQUEST_ERROR);
        }
        return auth.user();
    }

    /**
     * The caller of a call that changes the account or reads its credentials (profile, password, e-mail, deletion,
     * two-factor, API keys, passkeys, sessions): the user of a login's access token issued to one of the realm's
     * first-party clients (the default client and {@code firstPartyClients}). A token exchanged for an API key,
     * another client's token and a service account's token get FORBIDDEN, as Keycloak's own account API refuses
     * them. Every such call goes through here.
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
        requireFirstParty(auth, EventType.UPDATE_PROFILE_ERROR);
        return auth;
    }

    /**
     * A login's token must be a user's (not a service account's) and issued to a first-party client; FORBIDDEN, with
     * an error event, otherwise.
     */
    private void requireFirstParty(BearerAuth auth, EventType refusal) {
        String clientId = auth.client() != null ? auth.client().getClientId()
            : auth.token() == null ? null : auth.token().getIssuedFor();
        String reason = auth.user().getServiceAccountClientLink() != null ? "token of a service account"
            : !TableauthSettings.of(session).firstParty(clientId) ? "token of a client that is not first-party" : null;
        if (reason != null) {
            Events.of(session).event(refusal).user(auth.user()).client(clientId)
                .detail(Details.REASON, reason).error(Errors.NOT_ALLOWED);
            throw new AuthError(AuthError.Kind.FORBIDDEN, "This token's client may not use the account API");
        }
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
