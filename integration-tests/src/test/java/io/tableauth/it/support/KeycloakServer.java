package io.tableauth.it.support;

import java.net.URI;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.keycloak.admin.client.Keycloak;

/** A running Keycloak with the tableauth bundle, shared by every test class of one suite. */
public interface KeycloakServer extends ExtensionContext.Store.CloseableResource {

    String ADMIN_USER = "admin";
    String ADMIN_PASSWORD = "admin";

    /** Base URL without a trailing slash, e.g. {@code http://127.0.0.1:41234}. */
    URI baseUri();

    /** The management interface ({@code /metrics}, {@code /health}), where the server has one of its own. */
    default URI managementUri() {
        throw new UnsupportedOperationException("no management interface for " + getClass().getSimpleName());
    }

    /** Admin REST client logged in to the master realm as the bootstrap admin. */
    Keycloak admin();

    /** The last lines of the server's log, for failure reports. */
    String logTail(int lines);

    /** A thread dump of the server's JVM (jcmd Thread.print), where the server is a local process. */
    default String threadDump() {
        throw new UnsupportedOperationException("no thread dump for " + getClass().getSimpleName());
    }

    default URI realmUri(String realm, String path) {
        return baseUri().resolve("/realms/" + realm + (path.startsWith("/") ? path : "/" + path));
    }

    @Override
    void close();

    /** Keycloak's own database (PostgreSQL), to read what Keycloak stores. */
    default TestDatabase keycloakDatabase() {
        throw new UnsupportedOperationException("Keycloak's database is not reachable for " + getClass().getSimpleName());
    }
}
