package io.tableauth.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Who a verified token belongs to. Keycloak's own {@code AuthenticationManager.AuthResult} is a class with getters up
 * to 26.4 and a record from 26.5; tableauth reads it once, here, and passes this around instead.
 *
 * @param session the token's user session; null for an API-key token
 */
public record BearerAuth(UserModel user, UserSessionModel session, AccessToken token, ClientModel client) {

    /** Keycloak's result of a bearer-token check, as this record; null stays null. */
    public static BearerAuth of(AuthenticationManager.AuthResult result) {
        return result == null ? null : KeycloakInternals.bearerAuth(result);
    }
}
