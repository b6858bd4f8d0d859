package io.tableauth.rest.core;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;

/**
 * Who a REST call is made for: the Keycloak client that tokens are issued to (MaskAPI's project), and optionally
 * the one auth config (a {@code tableauth-sql} user-federation component) that lookups are limited to.
 */
public record Project(ClientModel client, ComponentModel authConfig) {

    /** The header a MaskAPI client names its project (client id) in; forward-auth reads it too. */
    public static final String HEADER = "x-mapi-key";

    public String authConfigId() {
        return authConfig == null ? null : authConfig.getId();
    }
}
