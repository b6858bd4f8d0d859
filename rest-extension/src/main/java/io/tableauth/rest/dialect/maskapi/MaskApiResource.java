package io.tableauth.rest.dialect.maskapi;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.maskapi.MaskApi.LoggedIn;
import io.tableauth.rest.dialect.maskapi.MaskApi.LoginRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.RefreshRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.Refreshed;
import io.tableauth.rest.dialect.maskapi.MaskApi.SignedUp;
import io.tableauth.rest.dialect.maskapi.MaskApi.SignupRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.User;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * MaskAPI: {@code POST /api/v1/auth/{login,signup,refresh,logout}} with the {@code x-mapi-key} (project = Keycloak
 * client id) and {@code x-mapi-auth-config-id} (auth config = component id) headers. Bodies are {@link MaskApi}'s
 * records; errors are {@link io.tableauth.rest.dialect.SuccessFalse}.
 */
@Tag(name = "MaskAPI",
    description = "MaskAPI's auth calls: the project in x-mapi-key, the auth config in x-mapi-auth-config-id")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MaskApiResource extends DialectResource {

    public static final String PROJECT_HEADER = Project.HEADER;
    public static final String AUTH_CONFIG_HEADER = "x-mapi-auth-config-id";

    public MaskApiResource(KeycloakSession session) {
        super(session);
    }

    private Project project() {
        String key = header(PROJECT_HEADER);
        String config = header(AUTH_CONFIG_HEADER);
        if (key == null || key.isBlank()) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The x-mapi-key header is required");
        }
        if (config == null || config.isBlank()) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The x-mapi-auth-config-id header is required");
        }
        return projects.project(key.trim(), config.trim(), false);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    @Parameter(name = PROJECT_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The project: a client id of the realm")
    @Parameter(name = AUTH_CONFIG_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The auth config: a user federation component id")
    @RequestBodySchema(LoginRequest.class)
    @APIResponse(responseCode = "200", description = "Logged in",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = LoggedIn.class)))
    public Response login(InputStream in) {
        return run(() -> {
            Project project = project();
            LoginRequest body = read(in, LoginRequest.class);
            Login login = logins.login(project, body.credential(), body.password(), body.otp());
            return json(200, LoggedIn.of(login.tokens(), AuthUser.of(login.user())));
        });
    }

    @POST
    @Path("signup")
    @Consumes(MediaType.WILDCARD)
    @Parameter(name = PROJECT_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The project: a client id of the realm")
    @Parameter(name = AUTH_CONFIG_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The auth config: a user federation component id")
    @RequestBodySchema(SignupRequest.class)
    @APIResponse(responseCode = "201",
        description = "Signed up: logged in, or (when the realm wants something first, e.g. a verified e-mail) "
            + "without tokens",
        content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {LoggedIn.class, SignedUp.class})))
    public Response signup(InputStream in) {
        return run(() -> {
            Project project = project();
            SignupRequest body = read(in, SignupRequest.class);
            String credential = body.credential();
            if (credential == null || credential.isBlank()) {
                throw AuthError.validation("credential", "The credential is required.");
            }
            if (body.confirmPassword() != null && !body.confirmPassword().equals(body.password())) {
                throw AuthError.validation("confirmPassword", "The passwords do not match.");
            }
            String[] name = splitName(body.name());
            UserModel user = signups.signup(project, new Signup(credential.trim(),
                credential.contains("@") ? credential.trim() : null, name[0], name[1], body.password(), null));
            try {
                Login login = logins.login(project, credential, body.password(), null);
                return json(201, LoggedIn.of(login.tokens(), AuthUser.of(login.user())));
            } catch (AuthError e) {
                // Created, but the realm wants something first (e.g. a verified e-mail): no tokens yet.
                return json(201, new SignedUp(true, "Account created. " + e.message() + ".",
                    User.of(AuthUser.of(user))));
            }
        });
    }

    @POST
    @Path("refresh")
    @Consumes(MediaType.WILDCARD)
    @Parameter(name = PROJECT_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The project: a client id of the realm")
    @Parameter(name = AUTH_CONFIG_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The auth config: a user federation component id")
    @RequestBodySchema(RefreshRequest.class)
    @APIResponse(responseCode = "200", description = "New tokens",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Refreshed.class)))
    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = project();
            Login login = logins.refresh(project, read(in, RefreshRequest.class).refreshToken());
            return json(200, Refreshed.of(login.tokens()));
        });
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.WILDCARD)
    @Parameter(name = PROJECT_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The project: a client id of the realm")
    @Parameter(name = AUTH_CONFIG_HEADER, in = ParameterIn.HEADER, required = true,
        schema = @Schema(type = SchemaType.STRING), description = "The auth config: a user federation component id")
    @RequestBodySchema(RefreshRequest.class)
    @APIResponse(responseCode = "200", description = "Logged out",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = project();
            logins.logout(project, read(in, RefreshRequest.class).refreshToken(), bearerToken());
            return json(200, SuccessMessage.of("Logged out"));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e); // MaskAPI documents no error body: ours, shared with Mavibase
    }
}
