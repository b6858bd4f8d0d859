package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.EmailCodes;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.EmailRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequired;
import io.tableauth.rest.dialect.mavibase.Mavibase.EmailCodeRequest;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * Login by e-mailed code, {@code /api/v1/platform/auth/email-otp[/verify]}: six digits mailed to the address, valid
 * five minutes, that log the user in once, on the realm's default client.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseEmailOtpResource extends DialectResource {

    public MavibaseEmailOtpResource(KeycloakSession session) {
        super(session);
    }

    /** {@code POST auth/email-otp} {email}: the same answer whether or not the e-mail is known. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(EmailRequest.class)
    @APIResponse(responseCode = "200", description = "Sent if the address is known: the same answer for every address",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response emailOtpRequest(InputStream in) {
        return run(() -> {
            new EmailCodes(session).request(read(in, EmailRequest.class).email());
            return json(200, SuccessMessage.of("If an account with that e-mail exists, a login code has been sent"));
        });
    }

    /** {@code POST auth/email-otp/verify} {email, code}: the login answer, as for a password login. */
    @POST
    @Path("verify")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(EmailCodeRequest.class)
    @APIResponse(responseCode = "200",
        description = "Logged in, or (a user with TOTP) the token for the second step at 2fa/verify",
        content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {LoggedIn.class,
            SecondFactorRequired.class})))
    public Response emailOtpVerify(InputStream in) {
        return run(() -> {
            EmailCodeRequest body = read(in, EmailCodeRequest.class);
            return json(200, Mavibase.loginAnswer(
                new EmailCodes(session).verify(projects.project(null, null, false), body.email(), body.code())));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
