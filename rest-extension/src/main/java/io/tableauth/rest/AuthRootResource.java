package io.tableauth.rest;

import org.keycloak.models.KeycloakSession;

/** Root of {@code /realms/{realm}/auth}; the Baasix, SlashApi and Directus sub-resources hang from here. */
public class AuthRootResource {

    private final KeycloakSession session;

    public AuthRootResource(KeycloakSession session) {
        this.session = session;
    }
}
