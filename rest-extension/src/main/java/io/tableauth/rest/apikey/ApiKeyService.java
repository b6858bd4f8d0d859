package io.tableauth.rest.apikey;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.persistence.EntityManager;

import io.tableauth.authenticator.Hooks;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.TableauthSettings;
import io.tableauth.storage.FreshUsers;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * API keys of the current realm: create, list, read, rotate, revoke, and check a presented key. A check reads the key's
 * row from Keycloak's database (one indexed lookup by hash), or, for a key this node accepted lately whose owner
 * Keycloak's user cache still holds in the same copy, takes it from {@link HeldKeys}. A rotation or revocation drops
 * the owner's cached copy on every node, so it holds on every node from the next request on.
 */
public final class ApiKeyService {

    /** What every key starts with: says what it is (tableauth API key) to people and secret scanners. */
    public static final String KEY_PREFIX = "tak_live_";
    /** Mavibase's documented scopes; a realm adds its own in the tableauth settings. */
    public static final List<String> DOCUMENTED_SCOPES = List.of("databases:read", "databases:write", "databases:delete");
    /** Last-used time is written at most this often per key (a read-only request otherwise). */
    static final long LAST_USED_RESOLUTION_MS = 60_000;
    /** Keys a user may hold that are not revoked. */
    static final int MAX_ACTIVE_KEYS = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EntityManager em;

    public ApiKeyService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** A key as created or rotated: the stored row and the full key, which is shown this once and never again. */
    public record Issued(ApiKeyEntity key, String secret) {
    }

    /** A presented key that was accepted: its row, its owner and the scopes it carries now. */
    public record Use(ApiKeyEntity key, UserModel user, List<String> scopes) {
    }

    /** Scopes a key of this realm may name. */
    public List<String> availableScopes() {
        Set<String> all = new LinkedHashSet<>(DOCUMENTED_SCOPES);
        all.addAll(TableauthSettings.of(session).apiKeyScopes());
        return List.copyOf(all);
    }

    /**
     * May this user hand the scope to a key? A scope with a realm role of the same name needs that role (directly,
     * through a group or a composite); other scopes are open to every user.
     */
    public boolean mayGrant(UserModel user, String scope) {
        RoleModel role = realm.getRole(scope);
        return role == null || user.hasRole(role);
    }

    public Issued create(UserModel owner, String name, String projectId, List<String> scopes, Long expiresAt) {
        if (name == null || name.isBlank()) {
            throw AuthError.validation("name", "The name is required.");
        }
        if (name.length() > 255) {
            throw AuthError.validation("name", "The name may be at most 255 characters.");
        }
        List<String> granted = checkedScopes(owner, scopes);
        String project = projectClient(projectId);
        long now = Time.currentTimeMillis();
        if (expiresAt != null && expiresAt <= now) {
            throw AuthError.validation("expiresAt", "The expiry must be in the future.");
        }
        long active = em.createNamedQuery("tableauthApiKeyCountOfUser", Long.class)
            .setParameter("realmId", realm.getId()).setParameter("userId", owner.getId()).getSingleResult();
        if (active >= MAX_ACTIVE_KEYS) {
            throw new AuthError(AuthError.Kind.VALIDATION, "You already have " + MAX_ACTIVE_KEYS
                + " API keys; revoke one first.");
        }
        ApiKeyEntity key = new ApiKeyEntity();
        key.setId("key_" + HexFormat.of().formatHex(KeySecrets.randomBytes(16)));
        key.setRealmId(realm.getId());
        key.setUserId(owner.getId());
        key.setName(name.trim());
        key.setProjectId(project);
        if (projectId != null && !projectId.isBlank() && !projectId.trim().equals(project)) {
            key.setProjectLabel(projectId.trim());
        }
        key.setScopes(String.join(" ", granted));
        key.setCreatedAt(now);
        key.setExpiresAt(expiresAt);
        String secret = KeySecrets.newSecret(key);
        em.persist(key);
        em.flush();
        return new Issued(key, secret);
    }

    /** The user's keys, newest first, revoked ones included. */
    public List<ApiKeyEntity> list(UserModel owner) {
        return em.createNamedQuery("tableauthApiKeysOfUser", ApiKeyEntity.class)
            .setParameter("realmId", realm.getId()).setParameter("userId", owner.getId()).getResultList();
    }

    /** One of the user's keys; another user's key is as unknown as a key that does not exist. */
    public ApiKeyEntity get(UserModel owner, String id) {
        ApiKeyEntity key = id == null ? null : em.find(ApiKeyEntity.class, id);
        if (key == null || !key.getRealmId().equals(realm.getId()) || !key.getUserId().equals(owner.getId())) {
            throw new AuthError(AuthError.Kind.NOT_FOUND, "API key not found");
        }
        return key;
    }

    /**
     * A new secret for the key. The old one stops working now, or after the realm's rotation grace period; a second
     * rotation within the grace period ends the first one's old secret at once.
     */
    public Issued rotate(UserModel owner, String id) {
        ApiKeyEntity key = get(owner, id);
        if (key.getRevokedAt() != null) {
            throw new AuthError(AuthError.Kind.VALIDATION, "A revoked API key cannot be rotated");
        }
        long now = Time.currentTimeMillis();
        int grace = TableauthSettings.of(session).apiKeyGraceSeconds();
        if (grace > 0) {
            key.setPreviousHash(key.getSecretHash());
            key.setPreviousValidUntil(now + grace * 1000L);
        } else {
            key.setPreviousHash(null);
            key.setPreviousValidUntil(null);
        }
        String secret = KeySecrets.newSecret(key);
        key.setRotatedAt(now);
        em.flush();
        HeldKeys.keyChanged(session, realm, owner);
        return new Issued(key, secret);
    }

    /** Disables the key for good (its row stays, so lists show it as revoked). */
    public ApiKeyEntity revoke(UserModel owner, String id) {
        ApiKeyEntity key = get(owner, id);
        if (key.getRevokedAt() == null) {
            key.setRevokedAt(Time.currentTimeMillis());
            key.setPreviousHash(null);
            key.setPreviousValidUntil(null);
            em.flush();
            HeldKeys.keyChanged(session, realm, owner);
        }
        return key;
    }

    /**
     * Checks a presented key: known (current secret, or the previous one within its grace period), not revoked or
     * expired, its owner still there and enabled. Records the last use at most once a minute.
     *
     * @throws ApiKeyRefused when the key may not be used
     */
    public Use authenticate(String presented) {
        return authenticate(presented, false);
    }

    /**
     * {@link #authenticate} for a login with the key (the api-key grant): the owner is checked against their row
     * in the table, as every login is ({@link FreshUsers}); a check at forward-auth takes Keycloak's held copy.
     */
    public Use authenticateForLogin(String presented) {
        return authenticate(presented, true);
    }

    private Use authenticate(String presented, boolean login) {
        if (!KeySecrets.wellFormed(presented)) {
            throw new ApiKeyRefused("malformed key", null);
        }
        String hash = KeySecrets.hash(presented);
        long now = Time.currentTimeMillis();
        if (!login) {
            Use held = HeldKeys.use(this, session, realm, hash, now);
            if (held != null) {
                return held;
            }
        }
        ApiKeyEntity key = first(em.createNamedQuery("tableauthApiKeyByHash", ApiKeyEntity.class)
            .setParameter("hash", hash).getResultList());
        boolean byPreviousSecret = key == null;
        if (key == null) {
            key = first(em.createNamedQuery("tableauthApiKeyByPreviousHash", ApiKeyEntity.class)
                .setParameter("hash", hash).setParameter("now", now).getResultList());
        }
        if (key == null || !key.getRealmId().equals(realm.getId())) {
            throw new ApiKeyRefused("unknown key", null);
        }
        if (key.getRevokedAt() != null) {
            throw new ApiKeyRefused("key revoked", key);
        }
        if (key.expired(now)) {
            throw new ApiKeyRefused("key expired", key);
        }
        UserModel user = login ? FreshUsers.byId(session, realm, key.getUserId())
            : session.users().getUserById(realm, key.getUserId());
        if (user == null) {
            throw new ApiKeyRefused("owner not found", key);
        }
        if (!user.isEnabled()) {
            throw new ApiKeyRefused("owner disabled", key);
        }
        if (!Hooks.loginWithoutPassword(session, realm, user).allowed()) {
            throw new ApiKeyRefused("login hook refused the owner", key);
        }
        long lastUsed = key.getLastUsedAt() == null ? 0 : key.getLastUsedAt();
        if (lastUsed < now - LAST_USED_RESOLUTION_MS) {
            touch(key.getId(), now);
            lastUsed = now;
        }
        if (!stillUsable(key, now)) {
            throw new ApiKeyRefused("key revoked", key);
        }
        if (hash.equals(byPreviousSecret ? key.getPreviousHash() : key.getSecretHash())) {
            HeldKeys.hold(hash, key, byPreviousSecret, user, lastUsed);
        } // else rotated meanwhile: accepted this once, under the grace the first read found, and never held
        return new Use(key, user, scopesNow(key, user));
    }

    /**
     * The key's row read again after its owner was: a revocation or rotation that committed between the first read
     * and the owner's would otherwise be held beside a copy of the owner that postdates it (its eviction came before
     * the owner was read), and stay accepted while that copy lives. One committed after this read evicts the copy
     * the entry depends on. Only on the way to holding a key: a held key's use reads nothing.
     */
    private boolean stillUsable(ApiKeyEntity key, long now) {
        try {
            em.refresh(key);
        } catch (jakarta.persistence.EntityNotFoundException e) {
            return false;
        }
        return key.getRevokedAt() == null && !key.expired(now);
    }

    /** Records a use; the condition makes concurrent nodes write once, a row another node just touched is left alone. */
    void touch(String keyId, long now) {
        em.createNamedQuery("tableauthApiKeyTouch").setParameter("now", now).setParameter("id", keyId)
            .setParameter("before", now - LAST_USED_RESOLUTION_MS).executeUpdate();
    }

    /**
     * Whether the key of this id is still usable: exists in this realm, not revoked, not expired. For tokens exchanged
     * for a key, which name it by id.
     */
    public boolean usable(String keyId) {
        ApiKeyEntity key = em.find(ApiKeyEntity.class, keyId);
        return key != null && key.getRealmId().equals(realm.getId()) && key.getRevokedAt() == null
            && !key.expired(Time.currentTimeMillis());
    }

    /** The key's scopes that the realm still offers and its owner still may grant. */
    public List<String> scopesNow(ApiKeyEntity key, UserModel owner) {
        List<String> available = availableScopes();
        return scopes(key).stream().filter(available::contains).filter(s -> mayGrant(owner, s)).toList();
    }

    public static List<String> scopes(ApiKeyEntity key) {
        return key.getScopes() == null || key.getScopes().isBlank() ? List.of() : List.of(key.getScopes().split(" "));
    }

    private List<String> checkedScopes(UserModel owner, List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw AuthError.validation("scopes", "At least one scope is required.");
        }
        List<String> available = availableScopes();
        List<String> granted = new ArrayList<>();
        for (String scope : requested) {
            String s = scope == null ? "" : scope.trim();
            if (!available.contains(s)) {
                throw AuthError.validation("scopes", "Unknown scope: " + s + ". Available: "
                    + String.join(", ", available) + ".");
            }
            if (!mayGrant(owner, s)) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, "You may not grant the scope " + s + ".");
            }
            if (!granted.contains(s)) {
                granted.add(s);
            }
        }
        return granted;
    }

    /**
     * The client a key is exchanged by: the one {@code projectId} names, or the realm's default client when it names
     * none (then it is the caller's own label, such as a Mavibase project id, kept beside the key).
     */
    private String projectClient(String projectId) {
        if (projectId != null && projectId.trim().length() > 255) {
            throw AuthError.validation("projectId", "The projectId may be at most 255 characters.");
        }
        ClientModel client = projectId == null || projectId.isBlank() ? null
            : session.clients().getClientByClientId(realm, projectId.trim());
        String project = client != null ? client.getClientId() : TableauthSettings.of(session).defaultClient();
        if (project == null) {
            // a key must be exchanged at one client: without one it would pass at any
            throw AuthError.validation("projectId", "The projectId names no client of this realm, and the realm has "
                + "no default client: name the client this key is for.");
        }
        return project;
    }

    private static <T> T first(List<T> rows) {
        return rows.isEmpty() ? null : rows.get(0);
    }
}
