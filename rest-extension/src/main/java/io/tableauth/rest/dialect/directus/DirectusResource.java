package io.tableauth.rest.dialect.directus;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

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
import io.tableauth.rest.dialect.AuthCookies;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.directus.Directus.Mode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * Directus: {@code POST /auth/login} (when the realm gives Directus that path, the default), {@code POST
 * /auth/refresh} and {@code POST /auth/logout}, with {@code mode} {@code json} (tokens in the body), {@code cookie}
 * (refresh token in an HttpOnly cookie) or {@code session} (access token in an HttpOnly session cookie too);
 * {@code GET /auth/oauth} and {@code GET /auth/oauth/{provider}} over the realm's identity providers; and {@code POST
 * /auth/password/request|reset}.
 */
@Tag(name = "Directus", description = "Directus's auth calls: json, cookie or session mode")
public class DirectusResource extends DialectResource {

    /** What the error answers of Directus's calls say in the OpenAPI document. */
    public static final String ERRORS = "An error in Directus's shape: 400 invalid payload, 401 invalid credentials "
        + "or token, "
        + "403 forbidden, 429 requests exceeded (Retry-After), 503 unavailable";

    public static final String REFRESH_COOKIE = AuthCookies.DIRECTUS_REFRESH;
    public static final String SESSION_COOKIE = AuthCookies.DIRECTUS_SESSION;

    public DirectusResource(KeycloakSession session) {
        super(session);
    }

    /**
     * Preflights of this mount's own paths only (Directus's and Baasix's): a catch-all here would also take the
     * SlashApi paths ({@code {identifier}/...}) that the mount hands to {@link io.tableauth.rest.AuthRootResource}'s
     * locator, which answers their preflights itself.
     */
    @Override
    @OPTIONS
    @Operation(hidden = true)
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
            Mode mode = Mode.of(body.mode());
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
    @RequestBodySchema(Directus.RefreshRequest.class)
    @APIResponse(responseCode = "200", description = "New tokens",
        content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Directus.TokensData.class)))
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
    public Response refresh(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Directus.RefreshRequest body = read(in, Directus.RefreshRequest.class);
            Mode mode = Mode.of(body.mode());
            String token = refreshToken(body);
            Login login = logins.refresh(project, token);
            return tokens(login.tokens(), mode);
        });
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(Directus.RefreshRequest.class)
    @APIResponse(responseCode = "204", description = "Logged out; the cookies are cleared")
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Directus.RefreshRequest body = read(in, Directus.RefreshRequest.class);
            Mode.of(body.mode());
            String token = refreshToken(body);
            logins.logout(project, token, null);
            return AuthCookies.with(Response.noContent().build(), cookies().expired(REFRESH_COOKIE),
                cookies().expired(SESSION_COOKIE));
        });
    }

    /** {@code POST /auth/password/request} {email, reset_url?}: 204 whether or not the e-mail is known. */
    @POST
    @Path("password/request")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(Directus.PasswordRequest.class)
    @APIResponse(responseCode = "204", description = "Sent if the address is known: the same answer for every address")
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
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
    @RequestBodySchema(Directus.PasswordReset.class)
    @APIResponse(responseCode = "204", description = "Password reset")
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
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
    @APIResponse(responseCode = "200", description = "The realm's identity providers",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Providers.class)))
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
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
    @APIResponse(responseCode = "302", description = "To the identity provider's login")
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
    public Response oauthStart(@PathParam("provider") String provider, @QueryParam("redirect") String redirect,
                               @QueryParam("mode") String mode) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Mode m = Mode.of(mode);
            boolean toApp = redirect != null && !redirect.isBlank();
            if (toApp && m == Mode.JSON && mode != null && !mode.isBlank()) {
                // A redirect carries no body: the tokens must travel in cookies.
                throw AuthError.validation("mode", "\"mode\" must be cookie or session when \"redirect\" is set");
            }
            String chosen = (!toApp ? Mode.JSON : m == Mode.JSON ? Mode.COOKIE : m).name();
            ProviderLogin.Start start = new ProviderLogin(session).start(project, provider, redirect, chosen);
            return AuthCookies.with(redirect(start.location()), stateCookie(start.stateCookie(),
                start.cookieSeconds()));
        });
    }

    /** {@code GET /auth/oauth/{provider}/callback}: where Keycloak sends the browser back with the login's code. */
    @GET
    @Path("oauth/{provider}/callback")
    @APIResponse(responseCode = "302",
        description = "Back to the redirect given at the start, with the session or (on failure) ?reason=")
    @APIResponse(responseCode = "200", description = "Logged in (a start without a redirect)",
        content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Directus.TokensData.class)))
    @APIResponse(responseCode = "default", description = DirectusResource.ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Directus.Errors.class)))
    public Response oauthCallback(@PathParam("provider") String provider, @QueryParam("code") String code,
                                  @QueryParam("state") String state, @QueryParam("error") String error) {
        return run(() -> {
            ProviderLogin login = new ProviderLogin(session);
            ProviderLogin.State started = login.state(provider, cookies().read(ProviderLogin.STATE_COOKIE), state);
            NewCookie forget = stateCookie("", 0);
            try {
                if (error != null) {
                    throw new AuthError(AuthError.Kind.INVALID_CREDENTIALS,
                        "The identity provider login did not succeed.");
                }
                Login done = login.finish(projects.project(null, null, false), started, code);
                Response tokens = tokens(done.tokens(), Mode.valueOf(started.mode()));
                if (started.redirect() == null) {
                    return AuthCookies.with(tokens, forget);
                }
                Response.ResponseBuilder b = Response.fromResponse(redirect(URI.create(started.redirect())));
                b.cookie(forget);
                tokens.getCookies().values().forEach(b::cookie);
                return b.build();
            } catch (AuthError e) {
                if (started.redirect() == null) {
                    return AuthCookies.with(error(e), forget);
                }
                // As Directus does: back to the app, with the error's code as ?reason=.
                URI back = UriBuilder.fromUri(started.redirect()).replaceQueryParam("reason",
                    DirectusErrors.map(e).code()).build();
                return AuthCookies.with(redirect(back), forget);
            }
        });
    }

    private static Response redirect(URI location) {
        return Response.status(Response.Status.FOUND).location(location).header("Cache-Control", "no-store").build();
    }

    /** The provider login's state: HttpOnly, only sent to the callback, Lax so the redirect back carries it. */
    private NewCookie stateCookie(String value, int maxAge) {
        return cookies().httpOnly(ProviderLogin.STATE_COOKIE, value, "/realms/" + realm().getName() + "/auth/oauth/",
            NewCookie.SameSite.LAX, maxAge);
    }

    /** The refresh token of the body, else of the cookie (then only from an allowed origin: CSRF). */
    private String refreshToken(Directus.RefreshRequest body) {
        String token = body.refresh_token();
        if (token == null) {
            token = cookies().read(REFRESH_COOKIE);
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
        Directus.TokensData out = new Directus.TokensData(new Directus.Tokens(
            mode == Mode.SESSION ? null : t.accessToken(), t.expiresIn(),
            mode == Mode.JSON ? t.refreshToken() : null));
        Response response = json(200, out);
        List<NewCookie> cookies = new ArrayList<>();
        if (mode != Mode.JSON) {
            cookies.add(cookies().auth(REFRESH_COOKIE, t.refreshToken(), t.refreshExpiresIn()));
        }
        if (mode == Mode.SESSION) {
            cookies.add(cookies().auth(SESSION_COOKIE, t.accessToken(), t.expiresIn()));
        }
        return cookies.isEmpty() ? response : AuthCookies.with(response, cookies.toArray(NewCookie[]::new));
    }

    @Override
    protected Response error(AuthError e) {
        DirectusErrors.Mapped m = DirectusErrors.map(e);
        return json(m.status(), m.body());
    }
}
