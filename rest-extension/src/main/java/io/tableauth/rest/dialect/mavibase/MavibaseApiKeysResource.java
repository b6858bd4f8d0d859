package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.apikey.ApiKeyEntity;
import io.tableauth.rest.apikey.ApiKeyEvents;
import io.tableauth.rest.apikey.ApiKeyRequest;
import io.tableauth.rest.apikey.ApiKeyService;
import io.tableauth.rest.apikey.ApiKeyView;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AccountChanges;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Mavibase API keys, {@code /api/v1/platform/api-keys[/{id}[/rotate|/revoke]]}, for the caller of a Bearer access
 * token. The full key is in the answers of create and rotate only.
 */
@Tag(name = "Mavibase API keys",
    description = "The caller's own API keys (a Bearer token of a login, not of an API key)")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseApiKeysResource extends DialectResource {

    public MavibaseApiKeysResource(KeycloakSession session) {
        super(session);
    }

    /**
     * {@code POST /api-keys} {name, projectId, scopes, expiresAt?, password?}: 201 with the key, shown this once. The
     * password is needed unless the caller logged in within the step-up age.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(ApiKeyRequest.class)
    @APIResponse(responseCode = "201", description = "The new key; its secret is shown this once",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Key.class)))
    public Response create(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            ApiKeyRequest body = ApiKeyRequest.from(body(in));
            new AccountChanges(session).requireStepUp(caller, body.password());
            UserModel owner = caller.user();
            ApiKeyService.Issued issued = new ApiKeyService(session).create(owner, body.name(), body.projectId(),
                body.scopes(), body.expiresAt());
            ApiKeyEvents.changed(session, owner, issued.key(), "created", null);
            return json(201, new Mavibase.Key(true, ApiKeyView.of(issued.key(), issued.secret())));
        });
    }

    /** {@code GET /api-keys}: the caller's keys, without secrets. */
    @GET
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "The caller's keys",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Keys.class)))
    public Response list() {
        return run(() -> {
            UserModel owner = owner();
            return json(200, new Mavibase.Keys(true, new ApiKeyService(session).list(owner).stream()
                .map(k -> ApiKeyView.of(k, null)).toList()));
        });
    }

    /** {@code GET /api-keys/{id}}. */
    @GET
    @Path("{id}")
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "One key, without its secret",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Key.class)))
    public Response get(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            return json(200, new Mavibase.Key(true, ApiKeyView.of(new ApiKeyService(session).get(owner, id), null)));
        });
    }

    /** {@code POST /api-keys/{id}/rotate} {password?}: a new secret, shown this once; step-up as for create. */
    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(Mavibase.StepUpRequest.class)
    @APIResponse(responseCode = "200",
        description = "A new secret, shown this once; the old one works until previousKeyValidUntil",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Key.class)))
    public Response rotate(@PathParam("id") String id, InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            new AccountChanges(session).requireStepUp(caller, read(in, Mavibase.StepUpRequest.class).password());
            UserModel owner = caller.user();
            ApiKeyService.Issued issued = new ApiKeyService(session).rotate(owner, id);
            ApiKeyEvents.changed(session, owner, issued.key(), "rotated", null);
            return json(200, new Mavibase.Key(true, ApiKeyView.of(issued.key(), issued.secret())));
        });
    }

    /** {@code POST /api-keys/{id}/revoke}. */
    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "Revoked",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Revoked.class)))
    public Response revoke(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            ApiKeyEntity key = new ApiKeyService(session).revoke(owner, id);
            ApiKeyEvents.changed(session, owner, key, "revoked", null);
            return json(200, new Mavibase.Revoked(true, "API key revoked", ApiKeyView.of(key, null)));
        });
    }

    /** The caller of a Bearer token from a login; a token obtained with an API key may not manage keys. */
    private UserModel owner() {
        return callers.accountCaller(bearerToken()).user();
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
