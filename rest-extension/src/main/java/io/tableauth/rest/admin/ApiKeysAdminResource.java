package io.tableauth.rest.admin;

import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.rest.apikey.ApiKeyEntity;
import io.tableauth.rest.apikey.ApiKeyEvents;
import io.tableauth.rest.apikey.ApiKeyRequest;
import io.tableauth.rest.apikey.ApiKeyService;
import io.tableauth.rest.apikey.ApiKeyView;
import io.tableauth.rest.core.AuthError;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Admin REST for a user's API keys, at {@code /admin/realms/{realm}/tableauth-api-keys/users/{userId}/keys} (and
 * {@code …/users/{userId}/scopes}, what the user's keys may carry), behind the admin console's API keys tab: list
 * and read need view rights on the user (view-users), create, rotate and revoke need manage rights (manage-users),
 * as Keycloak's own user endpoints. Keys are made in the owner's name and never carry more than the owner may.
 * Each change is an admin event (resource USER, path {@code users/{id}/tableauth-api-keys/{keyId}}) and a user
 * event of the owner.
 */
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin API keys",
    description = "A user's API keys, for realm admins (view-users to read, manage-users to change)")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "default",
    description = "An error, as Keycloak's admin API answers it: 400 invalid, 401 no admin token, 403 not allowed, "
        + "404 no such user or key",
    content = @Content(mediaType = "application/json", schema = @Schema(name = "AdminError", type = SchemaType.OBJECT,
        properties = {@SchemaProperty(name = "error", type = SchemaType.STRING),
            @SchemaProperty(name = "errorMessage", type = SchemaType.STRING)})))
public class ApiKeysAdminResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public ApiKeysAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                                AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.USER);
    }

    @GET
    @Path("users/{userId}/keys")
    @APIResponse(responseCode = "200", description = "The user's keys, without their secrets",
        content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY,
            implementation = ApiKeyView.class)))
    public Response list(@PathParam("userId") String userId) {
        UserModel owner = owner(userId, false);
        ArrayNode out = JSON.createArrayNode();
        keys().list(owner).forEach(k -> out.add(ApiKeyView.of(k, null).toJsonTree()));
        return Response.ok(out.toString()).build();
    }

    @GET
    @Path("users/{userId}/keys/{keyId}")
    @APIResponse(responseCode = "200", description = "One key, without its secret",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiKeyView.class)))
    public Response get(@PathParam("userId") String userId, @PathParam("keyId") String keyId) {
        UserModel owner = owner(userId, false);
        return call(() -> Response.ok(ApiKeyView.of(keys().get(owner, keyId), null).toJson()).build());
    }

    /** The scopes a key of this user may carry: the realm's, less those behind a realm role the user lacks. */
    @GET
    @Path("users/{userId}/scopes")
    @APIResponse(responseCode = "200", description = "Scope names",
        content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY,
            implementation = String.class)))
    public Response scopes(@PathParam("userId") String userId) {
        UserModel owner = owner(userId, false);
        ApiKeyService keys = keys();
        ArrayNode out = JSON.createArrayNode();
        keys.availableScopes().stream().filter(scope -> keys.mayGrant(owner, scope)).forEach(out::add);
        return Response.ok(out.toString()).build();
    }

    /** {name, projectId?, scopes, expiresAt?}: 201 with the key, shown this once. */
    @POST
    @Path("users/{userId}/keys")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(ApiKeyRequest.class)
    @APIResponse(responseCode = "201", description = "The new key; its secret is shown this once",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiKeyView.class)))
    public Response create(@PathParam("userId") String userId, InputStream in) {
        UserModel owner = owner(userId, true);
        requireImpersonationForAdmins(owner);
        ObjectNode body = body(in);
        return call(() -> {
            ApiKeyRequest request = ApiKeyRequest.from(body);
            ApiKeyService.Issued issued = keys().create(owner, request.name(), request.projectId(), request.scopes(),
                request.expiresAt());
            changed(owner, issued.key(), "created", OperationType.CREATE);
            return Response.status(201).entity(ApiKeyView.of(issued.key(), issued.secret()).toJson())
                .build();
        });
    }

    @POST
    @Path("users/{userId}/keys/{keyId}/rotate")
    @Consumes(MediaType.WILDCARD)
    @APIResponse(responseCode = "200", description = "A new secret, shown this once",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiKeyView.class)))
    public Response rotate(@PathParam("userId") String userId, @PathParam("keyId") String keyId) {
        UserModel owner = owner(userId, true);
        requireImpersonationForAdmins(owner);
        return call(() -> {
            ApiKeyService.Issued issued = keys().rotate(owner, keyId);
            changed(owner, issued.key(), "rotated", OperationType.ACTION);
            return Response.ok(ApiKeyView.of(issued.key(), issued.secret()).toJson()).build();
        });
    }

    @POST
    @Path("users/{userId}/keys/{keyId}/revoke")
    @Consumes(MediaType.WILDCARD)
    @APIResponse(responseCode = "200", description = "Revoked",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiKeyView.class)))
    public Response revoke(@PathParam("userId") String userId, @PathParam("keyId") String keyId) {
        UserModel owner = owner(userId, true);
        return call(() -> {
            ApiKeyEntity key = keys().revoke(owner, keyId);
            changed(owner, key, "revoked", OperationType.ACTION);
            return Response.ok(ApiKeyView.of(key, null).toJson()).build();
        });
    }

    private ApiKeyService keys() {
        return new ApiKeyService(session);
    }

    /** The user, after the caller's right to view (or manage) them is checked; 403 / 404 otherwise. */
    private UserModel owner(String userId, boolean manage) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            auth.users().requireQuery(); // no hint to someone who may not see users at all
            throw ErrorResponse.error("User not found", Response.Status.NOT_FOUND);
        }
        if (manage) {
            auth.users().requireManage(user);
        } else {
            auth.users().requireView(user);
        }
        return user;
    }

    /**
     * A key is a way to act as its owner. For an owner who holds any role of the realm's admin client
     * (realm-management), making one for them, or a new secret for one, is impersonation: it needs Keycloak's
     * impersonation right on that user, as Keycloak's own "Impersonate" does, unless the admin acts for themself.
     */
    private void requireImpersonationForAdmins(UserModel owner) {
        if (owner.getId().equals(auth.adminAuth().getUser().getId())) {
            return;
        }
        if (administers(owner)) {
            auth.users().requireImpersonate(owner);
        }
    }

    /**
     * Does the user hold any admin role: a role of the realm's admin client (realm-management) or, in the master realm,
     * the {@code admin} and {@code create-realm} roles or a role of any realm's admin client there ({@code <realm>-realm}).
     */
    private boolean administers(UserModel owner) {
        ClientModel management = realm.getClientByClientId(org.keycloak.models.Constants.REALM_MANAGEMENT_CLIENT_ID);
        if (management != null && management.getRolesStream().anyMatch(owner::hasRole)) {
            return true;
        }
        if (!org.keycloak.Config.getAdminRealm().equals(realm.getName())) {
            return false;
        }
        return java.util.stream.Stream.of(org.keycloak.models.AdminRoles.ADMIN, org.keycloak.models.AdminRoles.CREATE_REALM)
                .map(realm::getRole).anyMatch(r -> r != null && owner.hasRole(r))
            || session.realms().getRealmsStream().map(RealmModel::getMasterAdminClient)
                .anyMatch(c -> c != null && c.getRolesStream().anyMatch(owner::hasRole));
    }

    private void changed(UserModel owner, ApiKeyEntity key, String action, OperationType operation) {
        ApiKeyEvents.changed(session, owner, key, action, auth.adminAuth().getUser().getUsername());
        ObjectNode representation = ApiKeyView.of(key, null).toJsonTree().put("action", action);
        adminEvent.operation(operation)
            .resourcePath("users", owner.getId(), "tableauth-api-keys", key.getId())
            .representation(representation)
            .success();
    }

    private interface Call {
        Response run();
    }

    /** Runs a call, answering its refusal as Keycloak's admin API does: {@code {"errorMessage": "..."}}. */
    private static Response call(Call call) {
        if (!KeycloakInternals.release().supported()) {
            throw ErrorResponse.error(KeycloakInternals.release().unsupportedMessage(),
                Response.Status.SERVICE_UNAVAILABLE);
        }
        try {
            return call.run();
        } catch (AuthError e) {
            throw ErrorResponse.error(e.message(), Response.Status.fromStatusCode(e.kind().status));
        } catch (LinkageError e) {
            throw ErrorResponse.error(KeycloakInternals.linkageFailure(e), Response.Status.SERVICE_UNAVAILABLE);
        }
    }

    private static ObjectNode body(InputStream in) {
        try {
            JsonNode node = JSON.readTree(in.readNBytes(64 * 1024));
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException | RuntimeException e) {
            // answered below
        }
        throw ErrorResponse.error("The body must be a JSON object", Response.Status.BAD_REQUEST);
    }
}
