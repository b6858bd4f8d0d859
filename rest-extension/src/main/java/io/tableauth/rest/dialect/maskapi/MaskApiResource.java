package io.tableauth.rest.dialect.maskapi;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Consumes;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.core.Login;
import java.io.InputStream;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.TokenSet;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * MaskAPI: {@code POST /api/v1/auth/{login,signup,refresh,logout}} with the {@code x-mapi-key} (project = Keycloak
 * client id) and {@code x-mapi-auth-config-id} (auth config = component id) headers.
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
            ObjectNode body = body(in);
            Login login = logins.login(project, text(body, "credential"), text(body, "password"),
                text(body, "otp"));
            return json(200, loggedIn(login));
        });
    }

    @POST
    @Path("signup")
    @Consumes(MediaType.WILDCARD)
    public Response signup(InputStream in) {
        return run(() -> {
            Project project = project();
            ObjectNode body = body(in);
            String credential = text(body, "credential");
            String password = text(body, "password");
            String confirm = text(body, "confirmPassword");
            if (credential == null || credential.isBlank()) {
                throw AuthError.validation("credential", "The credential is required.");
            }
            if (confirm != null && !confirm.equals(password)) {
                throw AuthError.validation("confirmPassword", "The passwords do not match.");
            }
            String[] name = splitName(text(body, "name"));
            UserModel user = signups.signup(project, new Signup(credential.trim(),
                credential.contains("@") ? credential.trim() : null, name[0], name[1], password, null));
            return json(201, afterSignup(project, user, credential, password));
        });
    }

    private ObjectNode afterSignup(Project project, UserModel user, String credential, String password) {
        try {
            return loggedIn(logins.login(project, credential, password, null));
        } catch (AuthError e) {
            // Created, but the realm wants something first (e.g. a verified e-mail): no tokens yet.
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Account created. " + e.message() + ".");
            out.set("user", user(AuthUser.of(user)));
            return out;
        }
    }

    @POST
    @Path("refresh")
    @Consumes(MediaType.WILDCARD)
    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = project();
            ObjectNode body = body(in);
            Login login = logins.refresh(project, text(body, "refreshToken"));
            ObjectNode out = object();
            out.put("success", true);
            tokens(out, login.tokens());
            return json(200, out);
        });
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = project();
            ObjectNode body = body(in);
            logins.logout(project, text(body, "refreshToken"), bearerToken());
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Logged out");
            return json(200, out);
        });
    }

    private ObjectNode loggedIn(Login login) {
        ObjectNode out = object();
        out.put("success", true);
        tokens(out, login.tokens());
        out.set("user", user(AuthUser.of(login.user())));
        return out;
    }

    private static void tokens(ObjectNode out, TokenSet t) {
        out.put("accessToken", t.accessToken());
        out.put("refreshToken", t.refreshToken());
        out.put("tokenType", "Bearer");
        out.put("expiresIn", t.expiresIn());
        out.put("refreshExpiresIn", t.refreshExpiresIn());
    }

    private static ObjectNode user(AuthUser u) {
        ObjectNode out = object();
        out.put("id", u.id());
        out.put("credential", u.username());
        out.put("email", u.email());
        out.put("name", u.name());
        out.put("emailVerified", u.emailVerified());
        return out;
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e); // MaskAPI documents no error body: ours, shared with Mavibase
    }
}
