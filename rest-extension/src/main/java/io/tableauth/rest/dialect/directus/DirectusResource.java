package io.tableauth.rest.dialect.directus;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Consumes;
import io.tableauth.rest.core.Login;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.PasswordReset;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.ProviderLogin;
import io.tableauth.rest.core.TokenSet;
import io.tableauth.rest.dialect.DialectResource;
import org.keycloak.models.KeycloakSession;

/**
 * Directus: {@code POST /auth/login} (when the realm gives Directus that path, the default), {@code POST
 * /auth/refresh} and {@code POST /auth/logout}, with {@code mode} {@code json} (tokens in the body), {@code cookie}
 * (refresh token in an HttpOnly cookie) or {@code session} (access token in an HttpOnly session cookie too);
 * {@code GET /auth/oauth} and {@code GET /auth/oauth/{provider}} over the realm's identity providers; and {@code POST
 * /auth/password/request|reset}.
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

    /**
     * Preflights of this mount's own paths only (Directus's and Baasix's): a catch-all here would also take the
     * SlashApi paths ({@code {identifier}/...}) that the mount hands to {@link io.tableauth.rest.AuthRootResource}'s
     * locator, which answers their preflights itself.
     */
    @Override
    @OPTIONS
    @Path("{path: login|register|me|refresh|logout|password/request|password/reset|oauth|oauth/.+}")
    public Response preflight() {
        return super.preflight();
    }

    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    public Response login(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            Mode mode = mode(text(body, "mode"));
            if (mode != Mode.JSON) {
                requireAllowedOriginIfBrowser();
            }
            String email = text(body, "email");
            String password = text(body, "password");
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "\"email\" is required");
            }
            if (password == null || password.isEmpty()) {
                throw AuthError.validation("password", "\"password\" is required");
            }
            Login login = logins.login(project, email, password, text(body, "otp"));
            return tokens(login.tokens(), mode);
        });
    }

    @POST
    @Path("refresh")
    @Consumes(MediaType.WILDCARD)
    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            Mode mode = mode(text(body, "mode"));
            String token = refreshToken(body);
            Login login = logins.refresh(project, token);
            return tokens(login.tokens(), mode);
        });
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            mode(text(body, "mode"));
            String token = refreshToken(body);
            logins.logout(project, token, null);
            return withCookies(Response.noContent().build(), expiredCookie(REFRESH_COOKIE),
                expiredCookie(SESSION_COOKIE));
        });
    }

    /** {@code POST /auth/password/request} {email, reset_url?}: 204 whether or not the e-mail is known. */
    @POST
    @Path("password/request")
    @Consumes(MediaType.WILDCARD)
    public Response passwordRequest(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            new PasswordReset(session).request(text(body, "email"), text(body, "reset_url"));
            return Response.noContent().build();
        });
    }

    /** {@code POST /auth/password/reset} {token, password}: 204 once the new password is set. */
    @POST
    @Path("password/reset")
    @Consumes(MediaType.WILDCARD)
    public Response passwordReset(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            new PasswordReset(session).confirm(text(body, "token"), text(body, "password"));
            return Response.noContent().build();
        });
    }

    /** {@code GET /auth/oauth}: the aliases of the realm's identity providers a user can log in with. */
    @GET
    @Path("oauth")
    public Response providers() {
        return run(() -> {
            ObjectNode out = object();
            out.put("public", true);
            new ProviderLogin(session).providers().forEach(out.putArray("data")::add);
            return json(200, out);
        });
    }

    /**
     * {@code GET /auth/oauth/{provider}?redirect=&mode=}: sends the browser to the provider through Keycloak. With
     * {@code redirect} the login ends there with the refresh token in its cookie ({@code mode} cookie, the default, or
     * session); without, the callback answers the tokens as JSON.
     */
    @GET
    @Path("oauth/{provider}")
    public Response oauthStart(@PathParam("provider") String provider, @QueryParam("redirect") String redirect,
                               @QueryParam("mode") String mode) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Mode m = mode(mode);
            boolean toApp = redirect != null && !redirect.isBlank();
            if (toApp && m == Mode.JSON && mode != null && !mode.isBlank()) {
                // A redirect carries no body: the tokens must travel in cookies.
                throw AuthError.validation("mode", "\"mode\" must be cookie or session when \"redirect\" is set");
            }
            String chosen = (!toApp ? Mode.JSON : m == Mode.JSON ? Mode.COOKIE : m).name();
            ProviderLogin.Start start = new ProviderLogin(session).start(project, provider, redirect, chosen);
            return withCookies(redirect(start.location()), stateCookie(start.stateCookie(), start.cookieSeconds()));
        });
    }

    /** {@code GET /auth/oauth/{provider}/callback}: where Keycloak sends the browser back with the login's code. */
    @GET
    @Path("oauth/{provider}/callback")
    public Response oauthCallback(@PathParam("provider") String provider, @QueryParam("code") String code,
                                  @QueryParam("state") String state, @QueryParam("error") String error) {
        return run(() -> {
            ProviderLogin login = new ProviderLogin(session);
            ProviderLogin.State started = login.state(provider, cookie(ProviderLogin.STATE_COOKIE), state);
            NewCookie forget = stateCookie("", 0);
            try {
                if (error != null) {
                    throw new AuthError(AuthError.Kind.INVALID_CREDENTIALS,
                        "The identity provider login did not succeed.");
                }
                Login done = login.finish(projects.project(null, null, false), started, code);
                Response tokens = tokens(done.tokens(), Mode.valueOf(started.mode()));
                if (started.redirect() == null) {
                    return withCookies(tokens, forget);
                }
                Response.ResponseBuilder b = Response.fromResponse(redirect(URI.create(started.redirect())));
                b.cookie(forget);
                tokens.getCookies().values().forEach(b::cookie);
                return b.build();
            } catch (AuthError e) {
                if (started.redirect() == null) {
                    return withCookies(error(e), forget);
                }
                // As Directus does: back to the app, with the error's code as ?reason=.
                URI back = UriBuilder.fromUri(started.redirect()).replaceQueryParam("reason", map(e).code()).build();
                return withCookies(redirect(back), forget);
            }
        });
    }

    private static Response redirect(URI location) {
        return Response.status(Response.Status.FOUND).location(location).header("Cache-Control", "no-store").build();
    }

    /** The provider login's state: HttpOnly, only sent to the callback, Lax so the redirect back carries it. */
    private NewCookie stateCookie(String value, int maxAge) {
        return httpOnlyCookie(ProviderLogin.STATE_COOKIE, value, "/realms/" + realm().getName() + "/auth/oauth/",
            NewCookie.SameSite.LAX, maxAge);
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

    /** Directus's status, error code and message for an error. */
    private record Mapped(int status, String code, String message) {
    }

    @Override
    protected Response error(AuthError e) {
        Mapped m = map(e);
        ObjectNode out = object();
        ObjectNode err = out.putArray("errors").addObject();
        err.put("message", m.message());
        err.putObject("extensions").put("code", m.code());
        return json(m.status(), out);
    }

    private static Mapped map(AuthError e) {
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
            case ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, DENIED, FORBIDDEN, CSRF -> {
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
            case UNSUPPORTED_MEDIA_TYPE -> {
                code = "UNSUPPORTED_MEDIA_TYPE";
                status = 415;
            }
            case UNAVAILABLE -> {
                code = "SERVICE_UNAVAILABLE";
                status = 503;
            }
            case USER_EXISTS -> {
                code = "RECORD_NOT_UNIQUE";
                status = 400;
            }
            case NOT_FOUND -> {
                code = "ROUTE_NOT_FOUND";
                status = 404;
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
        return new Mapped(status, code, message);
    }
}
