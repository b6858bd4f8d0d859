package io.tableauth.rest.core;

import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;

/** Keycloak events of a REST call: the realm's event builder with the caller's connection. */
public final class Events {

    private Events() {
    }

    public static EventBuilder of(KeycloakSession session) {
        return new EventBuilder(session.getContext().getRealm(), session, session.getContext().getConnection());
    }
}
