package io.tableauth.rest.core;

import io.tableauth.storage.AuthConfigScope;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Who a REST call is for: the project (client) it names or the realm's default, and the auth config it is scoped to. */
public final class ProjectService {

    private final KeycloakSession session;
    private final RealmModel realm;

    public ProjectService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }


    /**
     * The project a call is made for.
     *
     * @param clientId     the client named by the request (MaskAPI x-mapi-key), or null for the realm default client
     * @param authConfig   an auth config's component id or name, or null for none
     * @param configByName true when {@code authConfig} is a name (SlashApi identifier), false for an id (MaskAPI)
     */
    public Project project(String clientId, String authConfig, boolean configByName) {
        ClientModel client;
        if (clientId == null) {
            String fallback = TableauthSettings.of(session).defaultClient();
            if (fallback == null) {
                throw new AuthError(AuthError.Kind.MISCONFIGURED, "No default client is set for this realm "
                    + "(Realm settings, tab tableauth-settings).");
            }
            client = session.clients().getClientByClientId(realm, fallback);
            if (client == null) {
                throw new AuthError(AuthError.Kind.MISCONFIGURED, "The realm's default client does not exist.");
            }
        } else {
            client = session.clients().getClientByClientId(realm, clientId);
            if (client == null || !client.isEnabled()) {
                throw new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "Unknown project key");
            }
        }
        ComponentModel config = null;
        if (authConfig != null) {
            config = SqlUserStorageProviderFactory.authConfigs(realm)
                .filter(c -> configByName ? authConfig.equals(c.getName()) : authConfig.equals(c.getId()))
                .findFirst()
                .orElseThrow(() -> new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "Unknown auth config"));
        }
        session.getContext().setClient(client);
        if (config != null) {
            // Every lookup of this request (login, a user's own records) sees only this config's table; what must be
            // unique in the realm is checked unscoped.
            AuthConfigScope.set(session, config.getId());
        }
        return new Project(client, config);
    }

}
