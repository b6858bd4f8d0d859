package io.tableauth.rest.apikey;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.keycloak.common.util.Time;

/**
 * An API key as its owner and the admin API see it (Mavibase's key object, plus what a list needs to tell keys
 * apart). {@code key} only in the answer that made it (create, rotate), {@code previousKeyValidUntil} only in a
 * rotation's answer while the old secret still works.
 */
@Schema(name = "ApiKey", requiredProperties = {"id", "name", "prefix", "projectId", "scopes", "status", "createdAt",
    "rotatedAt", "expiresAt", "revokedAt", "lastUsedAt"})
public record ApiKeyView(String id, @JsonInclude(JsonInclude.Include.NON_NULL) String key, String name, String prefix,
                         String projectId, List<String> scopes, String status, String createdAt,
                             @Schema(nullable = true) String rotatedAt,
                         @Schema(nullable = true) String expiresAt, @Schema(nullable = true) String revokedAt,
                             @Schema(nullable = true) String lastUsedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String previousKeyValidUntil) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ApiKeyView of(ApiKeyEntity k, String secret) {
        return new ApiKeyView(k.getId(), secret, k.getName(), k.getKeyHint(),
            k.getProjectLabel() != null ? k.getProjectLabel() : k.getProjectId(), ApiKeyService.scopes(k), status(k),
            time(k.getCreatedAt()), time(k.getRotatedAt()), time(k.getExpiresAt()), time(k.getRevokedAt()),
            time(k.getLastUsedAt()), secret != null ? time(k.getPreviousValidUntil()) : null);
    }

    private static String status(ApiKeyEntity k) {
        if (k.getRevokedAt() != null) {
            return "revoked";
        }
        return k.expired(Time.currentTimeMillis()) ? "expired" : "active";
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    public ObjectNode toJsonTree() {
        return JSON.valueToTree(this);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
