package io.tableauth.rest.dialect.mavibase;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Consumes;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.apikey.ApiKeyEntity;
import io.tableauth.rest.apikey.ApiKeyEvents;
import io.tableauth.rest.apikey.ApiKeyGrantType;
import io.tableauth.rest.apikey.ApiKeyService;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Mavibase API keys, {@code /api/v1/platform/api-keys[/{id}[/rotate|/revoke]]}, for the caller of a Bearer access
 * token. The full key is in the answers of create and rotate only.
 */
public class MavibaseApiKeysResource extends DialectResource {

    public MavibaseApiKeysResource(KeycloakSession session) {
        super(session);
    }

    /** {@code POST /api-keys} {name, projectId, scopes, expiresAt?}: 201 with the key, shown this once. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream in) {
        return run(() -> {
            UserModel owner = owner();
            ObjectNode body = body(in);
            ApiKeyService.Issued issued = new ApiKeyService(session).create(owner, text(body, "name"),
                text(body, "projectId"), scopes(body), expiry(body));
            ApiKeyEvents.changed(session, owner, issued.key(), "created", null);
            ObjectNode out = object();
            out.put("success", true);
            out.set("apiKey", view(issued.key(), issued.secret()));
            return json(201, out);
        });
    }

    /** {@code GET /api-keys}: the caller's keys, without secrets. */
    @GET
    public Response list() {
        return run(() -> {
            UserModel owner = owner();
            ArrayNode keys = object().arrayNode();
            new ApiKeyService(session).list(owner).forEach(k -> keys.add(view(k, null)));
            ObjectNode out = object();
            out.put("success", true);
            out.set("apiKeys", keys);
            return json(200, out);
        });
    }

    /** {@code GET /api-keys/{id}}. */
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            ObjectNode out = object();
            out.put("success", true);
            out.set("apiKey", view(new ApiKeyService(session).get(owner, id), null));
            return json(200, out);
        });
    }

    /** {@code POST /api-keys/{id}/rotate}: a new secret, shown this once. */
    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.WILDCARD)
    public Response rotate(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            ApiKeyService.Issued issued = new ApiKeyService(session).rotate(owner, id);
            ApiKeyEvents.changed(session, owner, issued.key(), "rotated", null);
            ObjectNode out = object();
            out.put("success", true);
            out.set("apiKey", view(issued.key(), issued.secret()));
            return json(200, out);
        });
    }

    /** {@code POST /api-keys/{id}/revoke}. */
    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.WILDCARD)
    public Response revoke(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            ApiKeyEntity key = new ApiKeyService(session).revoke(owner, id);
            ApiKeyEvents.changed(session, owner, key, "revoked", null);
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "API key revoked");
            out.set("apiKey", view(key, null));
            return json(200, out);
        });
    }

    /** The caller of a Bearer token from a login; a token obtained with an API key may not manage keys. */
    private UserModel owner() {
        return callers.accountCaller(bearerToken()).user();
    }

    /** A key as Mavibase shows it, plus what a list needs to tell keys apart; {@code key} only with the secret. */
    public static ObjectNode view(ApiKeyEntity k, String secret) {
        ObjectNode out = object();
        out.put("id", k.getId());
        if (secret != null) {
            out.put("key", secret);
        }
        out.put("name", k.getName());
        out.put("prefix", k.getKeyHint());
        out.put("projectId", k.getProjectLabel() != null ? k.getProjectLabel() : k.getProjectId());
        ArrayNode scopes = out.putArray("scopes");
        ApiKeyService.scopes(k).forEach(scopes::add);
        out.put("status", status(k));
        out.put("createdAt", time(k.getCreatedAt()));
        out.put("rotatedAt", time(k.getRotatedAt()));
        out.put("expiresAt", time(k.getExpiresAt()));
        out.put("revokedAt", time(k.getRevokedAt()));
        out.put("lastUsedAt", time(k.getLastUsedAt()));
        if (secret != null && k.getPreviousValidUntil() != null) {
            out.put("previousKeyValidUntil", time(k.getPreviousValidUntil()));
        }
        return out;
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

    public static List<String> scopes(ObjectNode body) {
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

    /** {@code expiresAt} (ISO-8601 instant) or {@code expiresInDays}; null for a key that does not expire. */
    public static Long expiry(ObjectNode body) {
        String at = text(body, "expiresAt");
        if (at != null && !at.isBlank()) {
            try {
                return Instant.parse(at.trim()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw AuthError.validation("expiresAt", "The expiry must be an ISO-8601 time such as 2027-01-01T00:00:00Z.");
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

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
