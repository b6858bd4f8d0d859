package io.tableauth.rest.dialect.directus;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthService;
import io.tableauth.rest.core.PasswordReset;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.TokenSet;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.models.KeycloakSession;

/**
 * Directus: {@code POST /auth/login} (when the realm gives Directus that path, the default), {@code POST
 * /auth/refresh} and {@code POST /auth/logout}, with {@code mode} {@code json} (tokens in the body), {@code cookie}
 * (refresh token in an HttpOnly cookie) or {@code session} (access token in an HttpOnly session cookie too).
 */
public class DirectusResource extends DialectResource {

    public static final String REFRESH_COOKIE = "directus_refresh_token";
    public static final String SESSION_COOKIE = "directus_session_token";

    enum Mode { JSON, COOKIE, SESSION }

    public DirectusResource(KeycloakSession session) {
        super(session);
    }

    private static Mode mode(String mode) {
        if (mode == null || mode.isBlank()) {
            return Mode.JSON;
        }
        try {
            return Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AuthError.validation("mode", "\"mode\" must be one of [json, cookie, session]");
        }
    }

    public Response login(InputStream in) {
        return run(() -> {
            Project project = auth.project(null, null, false);
            ObjectNode body = body(in);
            Mode mode = mode(text(body, "mode"));
            String email = text(body, "email");
            String password = text(body, "password");
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "\"email\" is required");
            }
            if (password == null || password.isEmpty()) {
                throw AuthError.validation("password", "\"password\" is required");
            }
            AuthService.Login login = auth.login(project, email, password, text(body, "otp"));
            return tokens(login.tokens(), mode);
        });
    }

    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = auth.project(null, null, false);
            ObjectNode body = body(in);
            Mode mode = mode(text(body, "mode"));
            String token = refreshToken(body);
            AuthService.Login login = auth.refresh(project, token);
            return tokens(login.tokens(), mode);
        });
    }

    public Response logout(InputStream in) {
        return run(() -> {
            Project project = auth.project(null, null, false);
            ObjectNode body = body(in);
            mode(text(body, "mode"));
            String token = refreshToken(body);
            auth.logout(project, token, null);
            return withCookies(Response.noContent().build(), expiredCookie(REFRESH_COOKIE),
                expiredCookie(SESSION_COOKIE));
        });
    }

    /** {@code POST /auth/password/request} {email, reset_url?}: 204 whether or not the e-mail is known. */
    public Response passwordRequest(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            new PasswordReset(session).request(text(body, "email"), text(body, "reset_url"));
            return Response.noContent().build();
        });
    }

    /** {@code POST /auth/password/reset} {token, password}: 204 once the new password is set. */
    public Response passwordReset(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            new PasswordReset(session).confirm(text(body, "token"), text(body, "password"));
            return Response.noContent().build();
        });
    }

    /** The refresh token of the body, else of the cookie (then only from an allowed origin: CSRF). */
    private String refreshToken(ObjectNode body) {
        String token = text(body, "refresh_token");
        if (token == null) {
            token = cookie(REFRESH_COOKIE);
            if (token != null) {
                requireAllowedOrigin();
            }
        }
        if (token == null) {
            throw AuthError.validation("refresh_token",
                "The refresh token is required in either the payload or cookie.");
        }
        return token;
    }

    private Response tokens(TokenSet t, Mode mode) {
        ObjectNode data = object();
        if (mode != Mode.SESSION) {
            data.put("access_token", t.accessToken());
        }
        data.put("expires", t.expiresIn());
        if (mode == Mode.JSON) {
            data.put("refresh_token", t.refreshToken());
        }
        ObjectNode out = object();
        out.set("data", data);
        Response response = json(200, out);
        List<NewCookie> cookies = new ArrayList<>();
        if (mode != Mode.JSON) {
            cookies.add(authCookie(REFRESH_COOKIE, t.refreshToken(), t.refreshExpiresIn()));
        }
        if (mode == Mode.SESSION) {
            cookies.add(authCookie(SESSION_COOKIE, t.accessToken(), t.expiresIn()));
        }
        return cookies.isEmpty() ? response : withCookies(response, cookies.toArray(NewCookie[]::new));
    }

    @Override
    protected Response error(AuthError e) {
        String code;
        String message = e.message();
        int status;
        switch (e.kind()) {
            case INVALID_CREDENTIALS, INVALID_TOKEN -> {
                code = "INVALID_CREDENTIALS";
                message = "Invalid user credentials.";
                status = 401;
            }
            case OTP_REQUIRED -> {
                code = "INVALID_OTP";
                message = "\"otp\" is required";
                status = 401;
            }
            case INVALID_OTP -> {
                code = "INVALID_OTP";
                message = "Invalid user OTP.";
                status = 401;
            }
            case ACCOUNT_DISABLED -> {
                code = "USER_SUSPENDED";
                message = "User suspended.";
                status = 401;
            }
            case ACCOUNT_NOT_READY, DENIED, FORBIDDEN, CSRF -> {
                code = "FORBIDDEN";
                status = 403;
            }
            case VALIDATION, MALFORMED -> {
                code = "INVALID_PAYLOAD";
                message = e.kind() == AuthError.Kind.VALIDATION ? "Invalid payload. " + e.message() : e.message();
                status = 400;
            }
            case TOO_LARGE -> {
                code = "CONTENT_TOO_LARGE";
                status = 413;
            }
            case USER_EXISTS -> {
                code = "RECORD_NOT_UNIQUE";
                status = 400;
            }
            case UNKNOWN_PROJECT -> {
                code = "INVALID_CREDENTIALS";
                status = 401;
            }
            default -> {
                code = "INTERNAL_SERVER_ERROR";
                status = e.kind().status;
            }
        }
        ObjectNode out = object();
        ObjectNode err = out.putArray("errors").addObject();
        err.put("message", message);
        err.putObject("extensions").put("code", code);
        return json(status, out);
    }
}
