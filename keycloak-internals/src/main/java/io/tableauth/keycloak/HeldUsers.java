package io.tableauth.keycloak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.cache.infinispan.entities.CachedUser;

/**
 * The federated users this node's Keycloak user cache holds now. Keycloak's {@code users} cache is local to each node
 * (other nodes learn of changes through invalidation messages), and holds at most its configured count of entries
 * (10,000 by default), so reading it is a walk over a bounded, in-memory map. Its entries are Keycloak's internal
 * {@code CachedUser}, the same class on every supported release.
 */
public final class HeldUsers {

    private static final Logger LOG = Logger.getLogger(HeldUsers.class);

    private HeldUsers() {
    }

    /**
     * The ids of the users this node holds, by federation link, for one realm; empty where the cache cannot be read
     * (logged once at debug level).
     */
    public static Map<String, List<String>> byFederationLink(KeycloakSession session, String realmId) {
        Map<String, List<String>> held = new HashMap<>();
        try {
            InfinispanConnectionProvider connections = session.getProvider(InfinispanConnectionProvider.class);
            if (connections == null) {
                return held;
            }
            for (Object entry : connections.getCache(InfinispanConnectionProvider.USER_CACHE_NAME, false).values()) {
                if (entry instanceof CachedUser user && user.getFederationLink() != null
                    && realmId.equals(user.getRealm())) {
                    held.computeIfAbsent(user.getFederationLink(), k -> new ArrayList<>()).add(user.getId());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf("tableauth: this node's user cache could not be read: %s", e.toString());
        }
        return held;
    }
}
