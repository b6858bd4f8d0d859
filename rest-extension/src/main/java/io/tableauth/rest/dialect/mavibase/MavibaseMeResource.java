package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AccountChanges;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.DeleteAccountRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Me;
import io.tableauth.rest.dialect.mavibase.Mavibase.User;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * The caller's own account, {@code /api/v1/platform/users/me}: read it, or delete it with the password.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseMeResource extends DialectResource {

    public MavibaseMeResource(KeycloakSession session) {
        super(session);
    }

    @GET
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "The caller",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class)))
    public Response me() {
        return run(() -> {
            UserModel user = callers.me(bearerToken());
            return json(200, new Me(true, User.full(AuthUser.of(user))));
        });
    }

    /**
     * {@code DELETE users/me} {password}: the caller deletes their own account, its row and Keycloak's data about
     * them, when the auth config is writable. A wrong password is a failed login for brute-force detection.
     */
    @DELETE
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(DeleteAccountRequest.class)
    @APIResponse(responseCode = "200", description = "The account is deleted; its sessions and API keys with it",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response deleteMe(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            DeleteAccountRequest body = read(in, DeleteAccountRequest.class);
            if (body.password() == null || body.password().isEmpty()) {
                throw AuthError.validation("password", "The password is required.");
            }
            AccountChanges changes = new AccountChanges(session);
            changes.requireStepUp(caller, body.password());
            changes.deleteAccount(caller.user());
            return json(200, SuccessMessage.of("Account deleted"));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
