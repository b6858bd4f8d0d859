package io.tableauth.rest.apikey;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/** Registers the API-key grant on the realm's token endpoint (see {@link ApiKeyGrantType}). */
public class ApiKeyGrantTypeFactory implements OAuth2GrantTypeFactory {

    /** The {@code grant_type} value (an extension grant is named by an absolute URI, RFC 6749 §4.5). */
    public static final String GRANT_TYPE = "urn:tableauth:params:oauth:grant-type:api-key";

    @Override
    public String getId() {
        return GRANT_TYPE;
    }

    @Override
    public String getShortcut() {
        return "ak"; // two letters: Keycloak puts it into every token id
    }

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new ApiKeyGrantType();
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
