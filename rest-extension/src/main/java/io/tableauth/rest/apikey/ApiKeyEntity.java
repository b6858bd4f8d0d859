package io.tableauth.rest.apikey;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One API key, in Keycloak's own database (table {@code TABLEAUTH_API_KEY}, created by
 * {@code META-INF/tableauth-api-keys-changelog.xml}). The key itself is never stored: only the SHA-256 of the whole
 * key string ({@code secretHash}), and during a rotation's grace period the previous one ({@code previousHash}).
 * Times are epoch milliseconds.
 */
@Entity
@Table(name = "TABLEAUTH_API_KEY")
@NamedQueries({
    @NamedQuery(name = "tableauthApiKeyByHash", query = "select k from ApiKeyEntity k where k.secretHash = :hash"),
    @NamedQuery(name = "tableauthApiKeyByPreviousHash",
        query = "select k from ApiKeyEntity k where k.previousHash = :hash and k.previousValidUntil > :now"),
    @NamedQuery(name = "tableauthApiKeysOfUser",
        query = "select k from ApiKeyEntity k where k.realmId = :realmId and k.userId = :userId order by k.createdAt desc"),
    @NamedQuery(name = "tableauthApiKeyCountOfUser",
        query = "select count(k) from ApiKeyEntity k where k.realmId = :realmId and k.userId = :userId and k.revokedAt is null"),
    @NamedQuery(name = "tableauthApiKeyTouch",
        query = "update ApiKeyEntity k set k.lastUsedAt = :now where k.id = :id and (k.lastUsedAt is null or k.lastUsedAt < :before)"),
    @NamedQuery(name = "tableauthApiKeysDeleteOfUser",
        query = "delete from ApiKeyEntity k where k.realmId = :realmId and k.userId = :userId"),
    @NamedQuery(name = "tableauthApiKeysDeleteOfRealm", query = "delete from ApiKeyEntity k where k.realmId = :realmId"),
})
public class ApiKeyEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "NAME", length = 255, nullable = false)
    private String name;

    @Column(name = "PROJECT_ID", length = 255)
    private String projectId;

    /** The caller's own project id when it named no client of the realm (then {@code projectId} is the default). */
    @Column(name = "PROJECT_LABEL", length = 255)
    private String projectLabel;

    /** Space-separated. */
    @Column(name = "SCOPES", length = 2048)
    private String scopes;

    /** The key's first characters (prefix and 4 more), to tell keys apart in lists. */
    @Column(name = "KEY_HINT", length = 32, nullable = false)
    private String keyHint;

    @Column(name = "SECRET_HASH", length = 64, nullable = false)
    private String secretHash;

    @Column(name = "PREVIOUS_HASH", length = 64)
    private String previousHash;

    @Column(name = "PREVIOUS_VALID_UNTIL")
    private Long previousValidUntil;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "ROTATED_AT")
    private Long rotatedAt;

    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "REVOKED_AT")
    private Long revokedAt;

    @Column(name = "LAST_USED_AT")
    private Long lastUsedAt;

    /** Whether the key's expiry has passed at {@code now} (epoch ms); a key without expiry never expires. */
    public boolean expired(long now) {
        return expiresAt != null && expiresAt <= now;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getProjectId() { return projectId; }
    public void setProjectId(String projectId) { this.projectId = projectId; }
    public String getProjectLabel() { return projectLabel; }
    public void setProjectLabel(String projectLabel) { this.projectLabel = projectLabel; }
    public String getScopes() { return scopes; }
    public void setScopes(String scopes) { this.scopes = scopes; }
    public String getKeyHint() { return keyHint; }
    public void setKeyHint(String keyHint) { this.keyHint = keyHint; }
    public String getSecretHash() { return secretHash; }
    public void setSecretHash(String secretHash) { this.secretHash = secretHash; }
    public String getPreviousHash() { return previousHash; }
    public void setPreviousHash(String previousHash) { this.previousHash = previousHash; }
    public Long getPreviousValidUntil() { return previousValidUntil; }
    public void setPreviousValidUntil(Long previousValidUntil) { this.previousValidUntil = previousValidUntil; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public Long getRotatedAt() { return rotatedAt; }
    public void setRotatedAt(Long rotatedAt) { this.rotatedAt = rotatedAt; }
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long expiresAt) { this.expiresAt = expiresAt; }
    public Long getRevokedAt() { return revokedAt; }
    public void setRevokedAt(Long revokedAt) { this.revokedAt = revokedAt; }
    public Long getLastUsedAt() { return lastUsedAt; }
    public void setLastUsedAt(Long lastUsedAt) { this.lastUsedAt = lastUsedAt; }
}
