package io.tableauth.rest.apikey;


import io.tableauth.authenticator.Hooks;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;

/**
 * Keys this node accepted lately, by secret hash, so that a key a machine client presents on every request is not
 * read from Keycloak's database each time. Nothing here is a source of truth: an entry stands only while Keycloak's
 * user cache holds the very copy of the key's owner it held when the entry was made (same cache timestamp). Every
 * change to a key (rotation, revocation) drops its owner's copy on every node through Keycloak's cluster
 * invalidation, as every change to the owner does; the next use on any node then reads the key's row again. An owner
 * the user cache does not keep (a config without cache) is never held here.
 */
final class HeldKeys {

    /** The operator's bound (SPI option {@code held-keys}) unless set: keys held per node, least recently used go. */
    static final int DEFAULT_CAPACITY = 20_000;
    /** Bounded: past the capacity the least recently used key goes (its next use costs one read to come back). */
    private static final BoundedLru<String, Held> HELD = new BoundedLru<>(DEFAULT_CAPACITY);

    /**
     * What a use needs of an accepted key: its row as read, the end of its validity (expiry, or the end of a rotated
     * secret's grace period), the owner's cache timestamp it depends on, and when this node last recorded a use.
     */
    record Held(String id, String realmId, String userId, String projectId, String scopes, Long validUntil,
                long ownerCachedAt, long lastUsedAt) {

        /** A detached copy of the row (never persisted) for what reads a use's key. */
        ApiKeyEntity key() {
            ApiKeyEntity key = new ApiKeyEntity();
            key.setId(id);
            key.setRealmId(realmId);
            key.setUserId(userId);
            key.setProjectId(projectId);
            key.setScopes(scopes);
            key.setExpiresAt(validUntil);
            return key;
        }

        boolean validAt(long now) {
            return validUntil == null || now < validUntil;
        }

        /** Whether Keycloak's user cache still holds the copy of the owner this entry was made beside. */
        boolean sameOwnerCopy(UserModel owner) {
            return owner instanceof CachedUserModel cached && cached.getCacheTimestamp() == ownerCachedAt;
        }

        Held usedAt(long now) {
            return new Held(id, realmId, userId, projectId, scopes, validUntil, ownerCachedAt, now);
        }
    }

    private HeldKeys() {
    }

    /** The operator's bound on this node's held keys. */
    static void capacity(int keys) {
        HELD.capacity(keys);
    }

    /**
     * A use of a key this node holds, or null to read its row: only an accepted use is answered here; anything off
     * (the owner's copy changed, gone, disabled, refused by the hook, the key past its end) is decided by the row.
     */
    static ApiKeyService.Use use(ApiKeyService keys, KeycloakSession session, RealmModel realm, String hash, long now) {
        Held held = HELD.get(hash);
        if (held == null) {
            return null;
        }
        UserModel user = held.realmId().equals(realm.getId()) && held.validAt(now)
            ? session.users().getUserById(realm, held.userId()) : null;
        if (user == null || !held.sameOwnerCopy(user) || !user.isEnabled()
            || !Hooks.loginWithoutPassword(session, realm, user).allowed()) {
            HELD.remove(hash);
            return null;
        }
        if (held.lastUsedAt() < now - ApiKeyService.LAST_USED_RESOLUTION_MS) {
            keys.touch(held.id(), now);
            HELD.replace(hash, held.usedAt(now));
        }
        ApiKeyEntity key = held.key();
        return new ApiKeyService.Use(key, user, keys.scopesNow(key, user));
    }

    /** Holds an accepted key, when its owner is a copy in Keycloak's user cache. */
    static void hold(String hash, ApiKeyEntity key, boolean byPreviousSecret, UserModel owner, long lastUsedAt) {
        if (!(owner instanceof CachedUserModel cached)) {
            return;
        }
        Long validUntil = key.getExpiresAt();
        if (byPreviousSecret && key.getPreviousValidUntil() != null
            && (validUntil == null || key.getPreviousValidUntil() < validUntil)) {
            validUntil = key.getPreviousValidUntil();
        }
        HELD.put(hash, new Held(key.getId(), key.getRealmId(), key.getUserId(), key.getProjectId(), key.getScopes(),
            validUntil, cached.getCacheTimestamp(), lastUsedAt));
    }

    /**
     * After a key of this owner changed: this node's entries of their keys go, and the owner's copy leaves the user
     * cache of every node (Keycloak's cluster invalidation, after the commit), which retires the others' entries.
     */
    static void keyChanged(KeycloakSession session, RealmModel realm, UserModel owner) {
        HELD.removeIf(h -> h.userId().equals(owner.getId()));
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, owner);
        }
    }
}
