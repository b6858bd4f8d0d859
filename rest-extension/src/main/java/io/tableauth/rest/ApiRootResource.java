package io.tableauth.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.dialect.maskapi.MaskApiResource;
import io.tableauth.rest.dialect.mavibase.MavibaseResource;
import io.tableauth.rest.gateway.ForwardAuthResource;
import io.tableauth.rest.openapi.OpenApiDocuments;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.keycloak.models.KeycloakSession;

/**
 * Root of {@code /realms/{realm}/api}: one sub-resource per dialect, each declaring its own paths. MaskAPI under
 * {@code v1/auth}, Mavibase under {@code v1/platform} (its API keys under {@code v1/platform/api-keys}), forward-auth
 * under {@code v1/forward-auth}.
 */
public class ApiRootResource {

    private final KeycloakSession session;

    public ApiRootResource(KeycloakSession session) {
        this.session = session;
    }

    @Path("v1/auth")
    public MaskApiResource maskApi() {
        return new MaskApiResource(session);
    }

    @Path("v1/platform")
    public MavibaseResource mavibase() {
        return new MavibaseResource(session);
    }

    /** OAuth 2.0 for First-Party Applications: the authorization challenge endpoint. */
    @Path(io.tableauth.rest.dialect.oauth.ChallengeDiscovery.PATH_UNDER_API)
    public io.tableauth.rest.dialect.oauth.AuthorizationChallengeResource authorizationChallenge() {
        return new io.tableauth.rest.dialect.oauth.AuthorizationChallengeResource(session);
    }

    @Path("v1/forward-auth")
    public ForwardAuthResource forwardAuth() {
        RestCors.actual(session);
        return new ForwardAuthResource(session);
    }

    /** This mount's OpenAPI 3.1 document. */
    @GET
    @Path("openapi.json")
    @Operation(hidden = true)
    public Response openApi() {
        return OpenApiDocuments.serve(OpenApiDocuments.API);
    }

    /** A preflight for a path no dialect serves: answered as for the others (403 for an origin not allowed). */
    @OPTIONS
    @Path("{any:.*}")
    @Operation(hidden = true)
    public Response preflight() {
        return RestCors.preflight(session);
    }
}
