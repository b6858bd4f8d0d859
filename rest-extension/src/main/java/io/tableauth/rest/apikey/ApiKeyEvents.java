package io.tableauth.rest.apikey;

import io.tableauth.rest.core.CredentialNotice;
import io.tableauth.rest.core.Events;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Keycloak events for API keys. Keycloak's event types are a fixed list, so keys use the credential events with
 * details that say what happened: {@code credential_type=tableauth-api-key}, {@code api_key_id},
 * {@code api_key_action} (created, rotated, revoked). Refused keys are {@code TOKEN_EXCHANGE_ERROR} on the token
 * endpoint and {@code INTROSPECT_TOKEN_ERROR} on the forward-auth endpoint, with {@code reason}.
 */
public final class ApiKeyEvents {

    public static final String CREDENTIAL_TYPE = "tableauth-api-key";
    public static final String KEY_ID = "api_key_id";
    public static final String ACTION = "api_key_action";
    public static final String AUTH_METHOD = "auth_method";

    private ApiKeyEvents() {
    }

    /**
     * A key was created, rotated or revoked, by its owner or, with {@code byAdmin}, by an admin. A new secret (created,
     * rotated) is a new way to act as the owner: the owner is told by mail ({@link CredentialNotice}).
     */
    public static void changed(KeycloakSession session, UserModel owner, ApiKeyEntity key, String action, String byAdmin) {
        EventBuilder event = Events.of(session)
            .event("revoked".equals(action) ? EventType.REMOVE_CREDENTIAL : EventType.UPDATE_CREDENTIAL)
            .user(owner)
            .detail("credential_type", CREDENTIAL_TYPE)
            .detail(KEY_ID, key.getId())
            .detail(ACTION, action)
            .detail("username", owner.getUsername());
        if (session.getContext().getClient() != null) {
            event.client(session.getContext().getClient());
        }
        if (byAdmin != null) {
            event.detail("admin", byAdmin);
        }
        event.success();
        if (!"revoked".equals(action)) {
            new CredentialNotice(session).added(owner, CredentialNotice.Kind.API_KEY, key.getName());
        }
    }

    /** Adds what is known about a refused key to an event and records it as an error. */
    public static void refused(EventBuilder event, ApiKeyRefused refused) {
        event.detail(AUTH_METHOD, "api-key").detail("reason", refused.reason());
        if (refused.key() != null) {
            event.detail(KEY_ID, refused.key().getId());
            event.detail("userId", refused.key().getUserId());
            event.session((String) null);
            event.user(refused.key().getUserId());
        }
        event.error("invalid_api_key");
    }
}
