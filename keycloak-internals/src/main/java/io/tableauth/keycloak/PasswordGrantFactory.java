package io.tableauth.keycloak;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/** Registers {@link PasswordGrant} behind Keycloak's token endpoint, for the REST API's own requests only. */
public class PasswordGrantFactory implements OAuth2GrantTypeFactory {

    @Override
    public String getId() {
        return PasswordGrant.GRANT_TYPE;
    }

    @Override
    public String getShortcut() {
        return "tr"; // unused in tokens (they are marked "password"), but Keycloak wants every grant to have one
    }

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new PasswordGrant();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
