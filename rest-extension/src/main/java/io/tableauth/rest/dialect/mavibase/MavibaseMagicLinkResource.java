package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.MagicLinks;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.MagicLinkRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequired;
import io.tableauth.rest.dialect.mavibase.Mavibase.TokenRequest;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * Magic-link login, {@code /api/v1/platform/auth/magic-link[/verify]}: a mailed link to one of the realm's Magic link
 * URLs, whose token logs the user in once, on the realm's default client.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseMagicLinkResource extends DialectResource {

    public MavibaseMagicLinkResource(KeycloakSession session) {
        super(session);
    }

    /** {@code POST auth/magic-link} {email, redirectUrl?}: the same answer whether or not the e-mail is known. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(MagicLinkRequest.class)
    @APIResponse(responseCode = "200", description = "Sent if the address is known: the same answer for every address",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response magicLinkRequest(InputStream in) {
        return run(() -> {
            MagicLinkRequest body = read(in, MagicLinkRequest.class);
            new MagicLinks(session).request(body.email(), body.redirectUrl());
            return json(200, SuccessMessage.of("If an account with that e-mail exists, a login link has been sent"));
        });
    }

    /** {@code POST auth/magic-link/verify} {token}: the login answer, as for a password login. */
    @POST
    @Path("verify")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(TokenRequest.class)
    @APIResponse(responseCode = "200",
        description = "Logged in, or (a user with TOTP) the token for the second step at 2fa/verify",
        content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {LoggedIn.class,
            SecondFactorRequired.class})))
    public Response magicLinkVerify(InputStream in) {
        return run(() -> {
            TokenRequest body = read(in, TokenRequest.class);
            return json(200, Mavibase.loginAnswer(
                new MagicLinks(session).verify(projects.project(null, null, false), body.token())));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
