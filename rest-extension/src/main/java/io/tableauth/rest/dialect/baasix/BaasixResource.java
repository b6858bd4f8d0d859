package io.tableauth.rest.dialect.baasix;

import io.tableauth.rest.core.Signup;
import io.tableauth.rest.core.Login;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.TokenSet;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.directus.DirectusResource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Baasix: {@code POST /auth/register}, {@code POST /auth/login} (when the realm gives Baasix that path) and
 * {@code GET /auth/me}, with {@code authMode} {@code jwt} (token in the body) or {@code cookie} (HttpOnly cookie).
 */
public class BaasixResource extends DialectResource {

    /** Cookie holding the access token in cookie mode; {@code /auth/me} reads it. */
    public static final String TOKEN_COOKIE = "token";

    public BaasixResource(KeycloakSession session) {
        super(session);
    }

    public Response register(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            boolean cookieMode = cookieMode(text(body, "authMode"));
            if (cookieMode) {
                requireAllowedOriginIfBrowser();
            }
            String email = text(body, "email");
            String password = text(body, "password");
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "Email is required");
            }
            if (password == null || password.isEmpty()) {
                throw AuthError.validation("password", "Password is required");
            }
            UserModel created = signups.signup(project, new Signup(email.trim(), email.trim(),
                text(body, "firstName"), text(body, "lastName"), password, null));
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
            ObjectNode body = body(in);
            boolean cookieMode = cookieMode(text(body, "authMode"));
            if (cookieMode) {
                requireAllowedOriginIfBrowser();
            }
            Login login = logins.login(project, text(body, "email"), text(body, "password"),
                text(body, "otp"));
            return answer(login.user(), login.tokens(), cookieMode, null);
        });
    }

    public Response me() {
        return run(() -> {
            String token = bearerToken();
            if (token == null) {
                token = cookie(TOKEN_COOKIE);
            }
            if (token == null) {
                token = cookie(DirectusResource.SESSION_COOKIE); // a Directus session-mode login
            }
            if (token == null) {
                throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Unauthorized");
            }
            UserModel user = callers.me(token);
            ObjectNode out = object();
            out.set("user", user(AuthUser.of(user)));
            return json(200, out);
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
        ObjectNode out = object();
        if (message != null) {
            out.put("message", message);
        }
        if (tokens == null) {
            out.putNull("token");
        } else if (!cookieMode) {
            out.put("token", tokens.accessToken());
            out.put("refreshToken", tokens.refreshToken());
            out.put("expiresIn", tokens.expiresIn());
        }
        out.put("authMode", cookieMode ? "cookie" : "jwt");
        out.set("user", user(AuthUser.of(user)));
        out.set("role", role(user));
        ArrayNode permissions = out.putArray("permissions");
        AuthUser.realmRoles(realm(), user).forEach(permissions::add);
        out.putNull("tenant");
        Response response = json(200, out);
        if (cookieMode && tokens != null) {
            response = withCookies(response, authCookie(TOKEN_COOKIE, tokens.accessToken(), tokens.expiresIn()));
        }
        return response;
    }

    /** The user's first own realm role by name, else the realm's default role. */
    private ObjectNode role(UserModel user) {
        RoleModel defaultRole = realm().getDefaultRole();
        List<RoleModel> own = user.getRealmRoleMappingsStream()
            .filter(r -> !r.getId().equals(defaultRole.getId()))
            .sorted((a, b) -> a.getName().toLowerCase(Locale.ROOT).compareTo(b.getName().toLowerCase(Locale.ROOT)))
            .toList();
        RoleModel role = own.isEmpty() ? defaultRole : own.get(0);
        ObjectNode out = object();
        out.put("id", role.getId());
        out.put("name", role.getName());
        return out;
    }

    private static ObjectNode user(AuthUser u) {
        ObjectNode out = object();
        out.put("id", u.id());
        out.put("email", u.email());
        out.put("firstName", u.firstName());
        out.put("lastName", u.lastName());
        return out;
    }

    @Override
    protected Response error(AuthError e) {
        ObjectNode out = object();
        int status = switch (e.kind()) {
            // Documented: a wrong password is 400 "Incorrect password."; an unknown user must look the same.
            case INVALID_CREDENTIALS -> {
                out.put("message", "Incorrect password.");
                yield 400;
            }
            case USER_EXISTS -> {
                out.put("message", "User already exists");
                yield 400;
            }
            case INVALID_TOKEN -> {
                out.put("message", "Unauthorized");
                yield 401;
            }
            case ACCOUNT_DISABLED, ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, DENIED, VALIDATION -> {
                out.put("message", e.message());
                yield 400;
            }
            default -> {
                out.put("message", e.message());
                yield e.kind().status;
            }
        };
        return json(status, out);
    }
}
