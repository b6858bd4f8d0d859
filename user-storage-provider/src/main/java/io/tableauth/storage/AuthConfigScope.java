package io.tableauth.storage;

import java.util.function.Supplier;

import org.keycloak.models.KeycloakSession;

/**
 * "This request sees only this auth config's table": set by the REST API for a call that names an auth config
 * (MaskAPI's {@code x-mapi-auth-config-id}, SlashApi's identifier, a two-step login's second step). While it is set,
 * every other auth config finds no user, so a login checks only that table. Lives for one Keycloak session (one
 * HTTP request); nothing a client sends sets it directly.
 *
 * @param authConfigId the auth config's component id
 */
public record AuthConfigScope(String authConfigId) {

    private static final String ATTRIBUTE = AuthConfigScope.class.getName();

    /** Scopes the rest of this request to one auth config. */
    public static void set(KeycloakSession session, String authConfigId) {
        session.setAttribute(ATTRIBUTE, new AuthConfigScope(authConfigId));
    }

    /** The current request's scope, or null when every auth config (and Keycloak's own users) is in view. */
    public static AuthConfigScope current(KeycloakSession session) {
        return session.getAttribute(ATTRIBUTE, AuthConfigScope.class);
    }

    /** Whether the auth config with this component id is in view of the current request. */
    public static boolean admits(KeycloakSession session, String authConfigId) {
        AuthConfigScope scope = current(session);
        return scope == null || scope.authConfigId.equals(authConfigId);
    }

    /** Runs work that must see every auth config and Keycloak's own users, even in a scoped request. */
    public static <T> T unscoped(KeycloakSession session, Supplier<T> work) {
        AuthConfigScope scope = current(session);
        session.removeAttribute(ATTRIBUTE);
        try {
            return work.get();
        } finally {
            if (scope != null) {
                session.setAttribute(ATTRIBUTE, scope);
            }
        }
    }
}
