package io.tableauth.keycloak;

import org.keycloak.common.ClientConnection;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Keycloak's event builder, remembering the error it sent. Up to 26.7.3 {@link EventBuilder#error} wrote the error
 * into the builder's own event; from 26.7.4 on it sends a copy and leaves the builder's event without it, so the
 * outcome of a grant (and the cost of a failure) can no longer be read back from {@code getEvent().getError()}.
 */
public final class RecordingEvents extends EventBuilder {

    private volatile String sentError;

    public RecordingEvents(RealmModel realm, KeycloakSession session, ClientConnection connection) {
        super(realm, session, connection);
    }

    @Override
    public void error(String error) {
        sentError = error;
        super.error(error);
    }

    /** The error code this builder last sent, or null when it sent none. */
    public String sentError() {
        return sentError;
    }

    /** The flow went on past the error it sent (a recovery code stood in for the refused one-time code). */
    void forgetError() {
        sentError = null;
    }

    /** The user the event names, or null. */
    public String userId() {
        return getEvent().getUserId();
    }
}
