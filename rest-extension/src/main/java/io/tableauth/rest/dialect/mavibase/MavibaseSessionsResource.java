package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.SessionService;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * The caller's sessions, {@code /api/v1/platform/auth/sessions[/{id}|/revoke-others]}: Keycloak's user sessions of the
 * Bearer token's user, the same list the admin console shows. A token exchanged for an API key gets 403.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseSessionsResource extends DialectResource {

    public MavibaseSessionsResource(KeycloakSession session) {
        super(session);
    }

    @GET
    @APIResponse(responseCode = "200", description = "The caller's sessions, the current one marked",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Mavibase.Sessions.class)))
    public Response sessionsList() {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            return json(200, new Mavibase.Sessions(true,
                new SessionService(session).list(caller).stream().map(Mavibase.Session::of).toList()));
        });
    }

    @DELETE
    @Path("{id}")
    @APIResponse(responseCode = "200", description = "The session ended (404 when it is not one of the caller's)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response sessionsEnd(@PathParam("id") String id) {
        return run(() -> {
            new SessionService(session).end(callers.accountCaller(bearerToken()), id);
            return json(200, SuccessMessage.of("Session ended"));
        });
    }

    @POST
    @Path("revoke-others")
    @Consumes(MediaType.WILDCARD)
    @APIResponse(responseCode = "200", description = "Every session but the current one ended",
        content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Mavibase.RevokedSessions.class)))
    public Response sessionsRevokeOthers(InputStream ignored) {
        return run(() -> {
            int revoked = new SessionService(session).endOthers(callers.accountCaller(bearerToken()));
            return json(200, new Mavibase.RevokedSessions(true, "Other sessions ended", revoked));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
