package io.tableauth.storage;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.UserLookupProvider;

/**
 * Table users as a login must see them. Keycloak's user cache may hold a copy of a table user (the config's cache
 * policy); the application changes its table without telling Keycloak. Every login, and every mail sent to a user's
 * address, looks the user up through these: a held copy is compared with the row (one indexed read, which the
 * password check of the same request reuses), and a stale one is dropped on every node before anything is decided.
 * Token and key uses (forward-auth, refresh, me) read the held copy, which the cache policy's lifespan bounds.
 */
public final class FreshUsers {

    private FreshUsers() {
    }

    /** The user a login name (username, or e-mail where the realm allows) names now, as Keycloak's flows find it. */
    public static UserModel byNameOrEmail(KeycloakSession session, RealmModel realm, String name) {
        return lookedUp(session, realm, () -> {
            try {
                return KeycloakModelUtils.findUserByNameOrEmail(session, realm, name);
            } catch (ModelDuplicateException e) {
                return null; // the flow meets the same and answers for it
            }
        }, table -> {
            // KeycloakModelUtils.findUserByNameOrEmail, asked of one table
            UserModel byEmail = realm.isLoginWithEmailAllowed() && name.indexOf('@') >= 0
                ? table.getUserByEmail(realm, name) : null;
            return byEmail != null ? byEmail : table.getUserByUsername(realm, name);
        });
    }

    /** The user an e-mail address names now. */
    public static UserModel byEmail(KeycloakSession session, RealmModel realm, String email) {
        return lookedUp(session, realm, () -> session.users().getUserByEmail(realm, email),
            table -> table.getUserByEmail(realm, email));
    }

    /** The user of this id as the table has them now; null when their row is gone. */
    public static UserModel byId(KeycloakSession session, RealmModel realm, String id) {
        return checked(session, realm, session.users().getUserById(realm, id));
    }

    /** {@code user} compared with their row (see the class); null when the row is gone. */
    public static UserModel checked(KeycloakSession session, RealmModel realm, UserModel user) {
        SqlUserStorageProvider provider = heldBy(session, realm, user);
        return provider == null || provider.refresh(realm, user) != SqlUserStorageProvider.Held.GONE ? user : null;
    }

    /**
     * A lookup whose held copy was stale is asked again: the name may now be another user's, or nobody's.
     * <p>
     * Keycloak's user cache keeps one user per name and e-mail, and every lookup through it (Keycloak's own
     * endpoints too) takes that one. Where a realm has several auth configs, two rules keep the entry the user
     * Keycloak's priority order finds, whatever the cache met first, on every node:
     * <ul>
     * <li>A request scoped to one config ({@link AuthConfigScope}) asks that config's table directly first; the user
     * it finds has their name and e-mail entries dropped (in this request, so Keycloak's flow asks the tables too, and
     * on every node when it ends), so a scoped answer never becomes the entry an unscoped lookup meets. A copy of
     * another config's user that the cache answers with is dropped the same way, and the tables asked.</li>
     * <li>An unscoped lookup that the cache answers with a user of one config asks each config before it in priority
     * order (one indexed read each) whether it now holds the name: a user added there since shadows the held one,
     * as a lookup with an empty cache would find, so the held copy's entries are dropped and the tables asked.</li>
     * </ul>
     */
    private static UserModel lookedUp(KeycloakSession session, RealmModel realm, Supplier<UserModel> lookup,
                                      Function<UserLookupProvider, UserModel> inTable) {
        try {
            return lookedUpOrThrow(session, realm, lookup, inTable);
        } catch (TableUnavailableException e) {
            // the table of the user the name leads to is out of reach (the cache knew the name, not the user): no one
            // found, as a lookup in that table finds no one while it is down; the request has the config marked
            // unavailable, and answers 503 for it whoever the name is
            return null;
        }
    }

    private static UserModel lookedUpOrThrow(KeycloakSession session, RealmModel realm, Supplier<UserModel> lookup,
                                             Function<UserLookupProvider, UserModel> inTable) {
        List<UserStorageProviderModel> configs = SqlUserStorageProviderFactory.enabledAuthConfigs(realm).toList();
        AuthConfigScope scope = AuthConfigScope.current(session);
        UserCache cache = configs.size() > 1 ? session.getProvider(UserCache.class) : null;
        if (cache != null && scope != null) {
            UserModel own = configs.stream().filter(c -> c.getId().equals(scope.authConfigId())).findFirst()
                .map(c -> session.getProvider(UserStorageProvider.class, c))
                .map(p -> p instanceof UserLookupProvider table ? inTable.apply(table) : null).orElse(null);
            if (own != null) {
                cache.evict(realm, own);
            }
        }
        UserModel user = lookup.get();
        if (cache != null && user instanceof CachedUserModel && user.getFederationLink() != null
            && (!AuthConfigScope.admits(session, user.getFederationLink())
                || scope == null && shadowed(session, realm, configs, user.getFederationLink(), inTable))) {
            cache.evict(realm, user); // this session's lookups of its name and e-mail now ask the tables
            user = lookup.get();
        }
        SqlUserStorageProvider provider = heldBy(session, realm, user);
        if (provider == null || provider.refresh(realm, user) == SqlUserStorageProvider.Held.FRESH) {
            return user;
        }
        return lookup.get(); // the stale copy is registered for invalidation: this asks the tables
    }

    /** Whether a config before {@code heldConfig} in priority order holds the name now. */
    private static boolean shadowed(KeycloakSession session, RealmModel realm, List<UserStorageProviderModel> configs,
                                    String heldConfig, Function<UserLookupProvider, UserModel> inTable) {
        for (UserStorageProviderModel config : configs) {
            if (config.getId().equals(heldConfig)) {
                return false;
            }
            if (session.getProvider(UserStorageProvider.class, config) instanceof UserLookupProvider table
                && inTable.apply(table) != null) {
                return true;
            }
        }
        return false;
    }

    /** The auth config's provider of this session, for a copy of its user held by Keycloak's user cache. */
    private static SqlUserStorageProvider heldBy(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!(user instanceof CachedUserModel) || user.getFederationLink() == null) {
            return null;
        }
        ComponentModel config = realm.getComponent(user.getFederationLink());
        if (config == null || !SqlUserStorageProviderFactory.PROVIDER_ID.equals(config.getProviderId())) {
            return null;
        }
        return session.getProvider(UserStorageProvider.class, config) instanceof SqlUserStorageProvider p ? p : null;
    }
}
