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
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

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
            ApiKeyRequest body = ApiKeyRequest.from(body(in));
            ApiKeyService.Issued issued = new ApiKeyService(session).create(owner, body.name(), body.projectId(),
                body.scopes(), body.expiresAt());
            ApiKeyEvents.changed(session, owner, issued.key(), "created", null);
            return json(201, new Mavibase.Key(true, ApiKeyView.of(issued.key(), issued.secret())));
        });
    }

    /** {@code GET /api-keys}: the caller's keys, without secrets. */
    @GET
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
    public Response get(@PathParam("id") String id) {
        return run(() -> {
            UserModel owner = owner();
            return json(200, new Mavibase.Key(true, ApiKeyView.of(new ApiKeyService(session).get(owner, id), null)));
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
            return json(200, new Mavibase.Key(true, ApiKeyView.of(issued.key(), issued.secret())));
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
