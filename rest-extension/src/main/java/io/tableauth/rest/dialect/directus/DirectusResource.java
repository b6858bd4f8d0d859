package io.tableauth.rest.dialect.directus;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.Login;
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
            Directus.LoginRequest body = read(in, Directus.LoginRequest.class);
            Mode mode = mode(body.mode());
            if (mode != Mode.JSON) {
                requireAllowedOriginIfBrowser();
            }
            String email = body.email();
            String password = body.password();
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "\"email\" is required");
            }
            if (password == null || password.isEmpty()) {
                throw AuthError.validation("password", "\"password\" is required");
            }
            Login login = logins.login(project, email, password, body.otp());
            return tokens(login.tokens(), mode);
        });
    }

    @POST
    @Path("refresh")
    @Consumes(MediaType.WILDCARD)
    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Directus.RefreshRequest body = read(in, Directus.RefreshRequest.class);
            Mode mode = mode(body.mode());
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
            Directus.RefreshRequest body = read(in, Directus.RefreshRequest.class);
            mode(body.mode());
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
            Directus.PasswordRequest body = read(in, Directus.PasswordRequest.class);
            new PasswordReset(session).request(body.email(), body.reset_url());
            return Response.noContent().build();
        });
    }

    /** {@code POST /auth/password/reset} {token, password}: 204 once the new password is set. */
    @POST
    @Path("password/reset")
    @Consumes(MediaType.WILDCARD)
    public Response passwordReset(InputStream in) {
        return run(() -> {
            Directus.PasswordReset body = read(in, Directus.PasswordReset.class);
            new PasswordReset(session).confirm(body.token(), body.password());
            return Response.noContent().build();
        });
    }

    /** {@code GET /auth/oauth}: the aliases of the realm's identity providers a user can log in with. */
    @GET
    @Path("oauth")
    public Response providers() {
        return run(() -> {
            return json(200, new Directus.Providers(true, new ProviderLogin(session).providers()));
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
                URI back = UriBuilder.fromUri(started.redirect()).replaceQueryParam("reason", DirectusErrors.map(e).code()).build();
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
    private String refreshToken(Directus.RefreshRequest body) {
        String token = body.refresh_token();
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
        Directus.Data<Directus.Tokens> out = new Directus.Data<>(new Directus.Tokens(
            mode == Mode.SESSION ? null : t.accessToken(), t.expiresIn(),
            mode == Mode.JSON ? t.refreshToken() : null));
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
        DirectusErrors.Mapped m = DirectusErrors.map(e);
        return json(m.status(), m.body());
    }
}
