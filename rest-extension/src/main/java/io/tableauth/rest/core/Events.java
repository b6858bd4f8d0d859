package io.tableauth.rest.core;

import io.tableauth.keycloak.RecordingEvents;
import org.keycloak.models.KeycloakSession;

/** Keycloak events of a REST call: the realm's event builder with the caller's connection. */
public final class Events {

    private Events() {
    }

    public static RecordingEvents of(KeycloakSession session) {
        return new RecordingEvents(session.getContext().getRealm(), session, session.getContext().getConnection());
    }
}
