package io.tableauth.rest;

import org.keycloak.models.KeycloakSession;

/** Root of {@code /realms/{realm}/api}; the MaskAPI and Mavibase sub-resources hang from here. */
public class ApiRootResource {

    private final KeycloakSession session;

    public ApiRootResource(KeycloakSession session) {
        this.session = session;
    }
}
