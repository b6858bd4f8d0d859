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

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.PasskeyService;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.RequestBodies;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.Passkey;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyCreationOptions;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyRegistered;
import io.tableauth.rest.dialect.mavibase.Mavibase.PasskeyRegistration;
import io.tableauth.rest.dialect.mavibase.Mavibase.Passkeys;
import io.tableauth.rest.dialect.mavibase.Mavibase.StepUpRequest;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * The caller's passkeys, {@code /api/v1/platform/passkeys}: register one (options, then the browser's answer), list
 * them, remove one. Keycloak's {@code webauthn-passwordless} credentials: the user's Credentials tab shows them, and
 * they log in on Keycloak's login page too. A token obtained with an API key gets 403.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibasePasskeysResource extends DialectResource {

    public MavibasePasskeysResource(KeycloakSession session) {
        super(session);
    }

    @POST
    @Path("register/options")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(StepUpRequest.class)
    @APIResponse(responseCode = "200", description = "PublicKeyCredentialCreationOptionsJSON for "
        + "navigator.credentials.create; the challenge works once, for 5 minutes, on any node",
        content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = PasskeyCreationOptions.class)))
    public Response passkeyRegisterOptions(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            String password = read(in, StepUpRequest.class).password();
            return json(200, JSON.convertValue(new PasskeyService(session).registrationOptions(caller, password),
                PasskeyCreationOptions.class));
        });
    }

    @POST
    @Path("register/verify")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(PasskeyRegistration.class)
    @APIResponse(responseCode = "200", description = "The passkey is stored",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasskeyRegistered.class)))
    public Response passkeyRegisterVerify(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            ObjectNode body = body(in);
            PasskeyRegistration registration = RequestBodies.bind(body, PasskeyRegistration.class);
            PasskeyService.View stored = new PasskeyService(session).register(caller, body.toString(),
                registration.name());
            return json(200, new PasskeyRegistered(true, Passkey.of(stored)));
        });
    }

    @GET
    @APIResponse(responseCode = "200", description = "The caller's passkeys",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Passkeys.class)))
    public Response passkeyList() {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            return json(200, new Passkeys(true,
                new PasskeyService(session).list(caller.user()).stream().map(Passkey::of).toList()));
        });
    }

    @DELETE
    @Path("{id}")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(StepUpRequest.class)
    @APIResponse(responseCode = "200", description = "Removed (403 without a step-up, 404 not one of the caller's)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response passkeyRemove(@PathParam("id") String id, InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            new PasskeyService(session).remove(caller, id, read(in, StepUpRequest.class).password());
            return json(200, SuccessMessage.of("Passkey removed"));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
