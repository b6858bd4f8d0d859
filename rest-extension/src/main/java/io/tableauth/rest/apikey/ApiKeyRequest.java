package io.tableauth.rest.apikey;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.rest.core.AuthError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.keycloak.common.util.Time;

/**
 * What a new key is asked for, by its owner (Mavibase) or an admin: {@code name}, {@code projectId} (a client id,
 * or the caller's own label), {@code scopes} (an array of strings), and {@code expiresAt} (ISO-8601) or
 * {@code expiresInDays} (1-3650); no expiry when neither is given.
 */
@Schema(name = "ApiKeyRequest")
public record ApiKeyRequest(String name, String projectId, List<String> scopes, Long expiresAt, String password) {

    public static ApiKeyRequest from(JsonNode body) {
        return new ApiKeyRequest(text(body, "name"), text(body, "projectId"), scopes(body), expiry(body),
            text(body, "password"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AuthError.validation(field, "The " + field + " must be a string.");
        }
        return v.asText();
    }

    private static List<String> scopes(JsonNode body) {
        JsonNode node = body.get("scopes");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AuthError.validation("scopes", "The scopes must be an array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw AuthError.validation("scopes", "The scopes must be an array of strings.");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Long expiry(JsonNode body) {
        String at = text(body, "expiresAt");
        if (at != null && !at.isBlank()) {
            try {
                return Instant.parse(at.trim()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw AuthError.validation("expiresAt",
                    "The expiry must be an ISO-8601 time such as 2027-01-01T00:00:00Z.");
            }
        }
        JsonNode days = body.get("expiresInDays");
        if (days != null && !days.isNull()) {
            if (!days.canConvertToInt() || days.asInt() < 1 || days.asInt() > 3650) {
                throw AuthError.validation("expiresInDays", "expiresInDays must be a whole number from 1 to 3650.");
            }
            return Time.currentTimeMillis() + days.asInt() * 86_400_000L;
        }
        return null;
    }
}
