package io.tableauth.storage;

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
        });
    }

    /** The user an e-mail address names now. */
    public static UserModel byEmail(KeycloakSession session, RealmModel realm, String email) {
        return lookedUp(session, realm, () -> session.users().getUserByEmail(realm, email));
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
     * A lookup whose held copy was stale is asked again: the name may now be another user's, or nobody's. So is one
     * that Keycloak's user cache answered with another auth config's user in a request scoped to one config (the
     * cache keeps one user per name, whichever it met first): that copy is dropped, and the tables are asked, each
     * config only if in scope, so the same e-mail in two tables stays two users whatever the cache met first.
     */
    private static UserModel lookedUp(KeycloakSession session, RealmModel realm, Supplier<UserModel> lookup) {
        UserModel user = lookup.get();
        if (user instanceof CachedUserModel && user.getFederationLink() != null
            && !AuthConfigScope.admits(session, user.getFederationLink())) {
            UserCache cache = session.getProvider(UserCache.class);
            if (cache != null) {
                cache.evict(realm, user); // this session's lookups of its name and e-mail now ask the tables
            }
            user = lookup.get();
        }
        SqlUserStorageProvider provider = heldBy(session, realm, user);
        if (provider == null || provider.refresh(realm, user) == SqlUserStorageProvider.Held.FRESH) {
            return user;
        }
        return lookup.get(); // the stale copy is registered for invalidation: this asks the tables
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
