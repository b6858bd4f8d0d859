package io.tableauth.rest.core;

import io.tableauth.storage.SqlUserStorageProviderFactory;
import io.tableauth.storage.TableUnavailableException;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Whether the users tables a call depends on can be reached on this node. A call that needs a table that is out of
 * reach answers 503 (never "invalid credentials"), and the answer depends only on the tables' state, never on the
 * user asked for: a scoped call needs its own config; an unscoped one (any table might hold the user) needs every
 * enabled config of the realm.
 */
public final class Availability {

    private Availability() {
    }

    /** Throws 503 for {@code what} when {@code scope} (or, when null, any enabled auth config) is unavailable. */
    static void require(KeycloakSession session, RealmModel realm, ComponentModel scope, String what) {
        boolean available = scope != null ? SqlUserStorageProviderFactory.available(session, scope)
            : SqlUserStorageProviderFactory.enabledAuthConfigs(realm)
                .allMatch(config -> SqlUserStorageProviderFactory.available(session, config));
        if (!available) {
            throw AuthError.unavailable(what, TableUnavailableException.RETRY_AFTER_SECONDS);
        }
    }

    /** The {@link TableUnavailableException} behind a failure, or null: Keycloak's code may have wrapped it. */
    public static TableUnavailableException cause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TableUnavailableException down) {
                return down;
            }
        }
        return null;
    }

    /** Lets a failure that means "a users table is out of reach" through a catch that would hide it. */
    static void rethrowIfUnavailable(RuntimeException failure) {
        TableUnavailableException down = cause(failure);
        if (down != null) {
            throw down;
        }
    }
}
