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
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.maskapi.MaskApi.LoggedIn;
import io.tableauth.rest.dialect.maskapi.MaskApi.LoginRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.RefreshRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.Refreshed;
import io.tableauth.rest.dialect.maskapi.MaskApi.SignedUp;
import io.tableauth.rest.dialect.maskapi.MaskApi.SignupRequest;
import io.tableauth.rest.dialect.maskapi.MaskApi.User;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * MaskAPI: {@code POST /api/v1/auth/{login,signup,refresh,logout}} with the {@code x-mapi-key} (project = Keycloak
 * client id) and {@code x-mapi-auth-config-id} (auth config = component id) headers. Bodies are {@link MaskApi}'s
 * records; errors are {@link io.tableauth.rest.dialect.SuccessFalse}.
 */
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
