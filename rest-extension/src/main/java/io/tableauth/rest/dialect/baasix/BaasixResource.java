package io.tableauth.rest.dialect.baasix;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.core.TokenSet;
import io.tableauth.rest.dialect.AuthCookies;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Baasix: {@code POST /auth/register}, {@code POST /auth/login} (when the realm gives Baasix that path) and
 * {@code GET /auth/me}, with {@code authMode} {@code jwt} (token in the body) or {@code cookie} (HttpOnly cookie).
 */
public class BaasixResource extends DialectResource {

    /** Cookie holding the access token in cookie mode; {@code /auth/me} reads it. */
    public static final String TOKEN_COOKIE = AuthCookies.BAASIX_TOKEN;

    public BaasixResource(KeycloakSession session) {
        super(session);
    }

    public Response register(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Baasix.RegisterRequest body = read(in, Baasix.RegisterRequest.class);
            boolean cookieMode = cookieMode(body.authMode());
            if (cookieMode) {
                requireAllowedOriginIfBrowser();
            }
            String email = body.email();
            String password = body.password();
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "Email is required");
            }
            if (password == null || password.isEmpty()) {
                throw AuthError.validation("password", "Password is required");
            }
            UserModel created = signups.signup(project, new Signup(email.trim(), email.trim(),
                body.firstName(), body.lastName(), password, null));
            Login login;
            try {
                login = logins.login(project, email, password, null);
            } catch (AuthError e) {
                // Registered, but the realm wants something first (e.g. a verified e-mail): no token yet.
                return answer(created, null, cookieMode, "User registered successfully. " + e.message() + ".");
            }
            return answer(login.user(), login.tokens(), cookieMode, "User registered successfully");
        });
    }

    public Response login(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Baasix.LoginRequest body = read(in, Baasix.LoginRequest.class);
            boolean cookieMode = cookieMode(body.authMode());
            if (cookieMode) {
                requireAllowedOriginIfBrowser();
            }
            Login login = logins.login(project, body.email(), body.password(), body.otp());
            return answer(login.user(), login.tokens(), cookieMode, null);
        });
    }

    public Response me() {
        return run(() -> {
            String token = bearerToken();
            if (token == null) {
                token = cookies().accessToken(); // Baasix's cookie mode, or a Directus session-mode login
            }
            if (token == null) {
                throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Unauthorized");
            }
            UserModel user = callers.me(token);
            return json(200, new Baasix.Me(Baasix.User.of(AuthUser.of(user))));
        });
    }

    private static boolean cookieMode(String authMode) {
        if (authMode == null || authMode.isBlank() || authMode.equalsIgnoreCase("jwt")) {
            return false;
        }
        if (authMode.equalsIgnoreCase("cookie")) {
            return true;
        }
        throw AuthError.validation("authMode", "authMode must be jwt or cookie");
    }

    /** The documented answer of register and login; without tokens (not signed in yet) "token" is null. */
    private Response answer(UserModel user, TokenSet tokens, boolean cookieMode, String message) {
        Baasix.User u = Baasix.User.of(AuthUser.of(user));
        Baasix.Role role = role(user);
        List<String> permissions = AuthUser.realmRoles(realm(), user);
        String mode = cookieMode ? "cookie" : "jwt";
        Object body = tokens == null ? new Baasix.NotSignedIn(message, null, mode, u, role, permissions, null)
            : cookieMode ? new Baasix.WithCookie(message, mode, u, role, permissions, null)
            : new Baasix.WithTokens(message, tokens.accessToken(), tokens.refreshToken(), tokens.expiresIn(), mode, u,
                role, permissions, null);
        Response response = json(200, body);
        if (cookieMode && tokens != null) {
            response = AuthCookies.with(response, cookies().auth(TOKEN_COOKIE, tokens.accessToken(),
                tokens.expiresIn()));
        }
        return response;
    }

    /** The user's first own realm role by name, else the realm's default role. */
    private Baasix.Role role(UserModel user) {
        RoleModel defaultRole = realm().getDefaultRole();
        List<RoleModel> own = user.getRealmRoleMappingsStream()
            .filter(r -> !r.getId().equals(defaultRole.getId()))
            .sorted((a, b) -> a.getName().toLowerCase(Locale.ROOT).compareTo(b.getName().toLowerCase(Locale.ROOT)))
            .toList();
        RoleModel role = own.isEmpty() ? defaultRole : own.get(0);
        return new Baasix.Role(role.getId(), role.getName());
    }

    @Override
    protected Response error(AuthError e) {
        int status = switch (e.kind()) {
            case INVALID_CREDENTIALS, USER_EXISTS, ACCOUNT_DISABLED, ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, DENIED,
                 VALIDATION -> 400;
            case INVALID_TOKEN -> 401;
            default -> e.kind().status;
        };
        String message = switch (e.kind()) {
            // Documented: a wrong password is 400 "Incorrect password."; an unknown user must look the same.
            case INVALID_CREDENTIALS -> "Incorrect password.";
            case USER_EXISTS -> "User already exists";
            case INVALID_TOKEN -> "Unauthorized";
            default -> e.message();
        };
        return json(status, new Baasix.Message(message));
    }
}
