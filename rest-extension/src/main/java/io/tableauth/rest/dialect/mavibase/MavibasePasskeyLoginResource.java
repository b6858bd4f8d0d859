package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.PasskeyService;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.RequestBodies;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyAssertion;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyOptionsRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyRequestOptions;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequired;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * Login with a passkey, {@code /api/v1/platform/auth/passkey/{options,verify}}, on the realm's default client.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibasePasskeyLoginResource extends DialectResource {

    public MavibasePasskeyLoginResource(KeycloakSession session) {
        super(session);
    }

    @POST
    @Path("options")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(PasskeyOptionsRequest.class)
    @APIResponse(responseCode = "200", description = "PublicKeyCredentialRequestOptionsJSON for "
        + "navigator.credentials.get, and the challengeId to send back; the same shape whether or not the e-mail is "
        + "someone's", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = PasskeyRequestOptions.class)))
    public Response passkeyLoginOptions(InputStream in) {
        return run(() -> {
            String email = read(in, PasskeyOptionsRequest.class).email();
            return json(200, JSON.convertValue(new PasskeyService(session).loginOptions(email),
                PasskeyRequestOptions.class));
        });
    }

    @POST
    @Path("verify")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(PasskeyAssertion.class)
    @APIResponse(responseCode = "200",
        description = "Logged in (a passkey that verified the user stands for both factors; without user "
            + "verification a user with TOTP gets the second step)",
        content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {LoggedIn.class,
            SecondFactorRequired.class})))
    public Response passkeyLoginVerify(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            PasskeyAssertion assertion = RequestBodies.bind(body, PasskeyAssertion.class);
            return json(200, Mavibase.loginAnswer(new PasskeyService(session)
                .login(projects.project(null, null, false), assertion.challengeId(), body.toString())));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
