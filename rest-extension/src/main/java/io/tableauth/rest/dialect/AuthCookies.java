package io.tableauth.rest.dialect;

import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.TableauthSettings;
import org.keycloak.models.KeycloakSession;

/**
 * The cookies of the REST mounts, read and written in one place: their names (one mount, {@code auth}, is shared by
 * Directus and Baasix, and each reads the other's access-token cookie), HttpOnly always, and Secure and SameSite as
 * the realm's tableauth settings say.
 */
public final class AuthCookies {

    /** Baasix's cookie-mode access token. */
    public static final String BAASIX_TOKEN = "token";
    /** Directus's refresh token (cookie and session mode). */
    public static final String DIRECTUS_REFRESH = "directus_refresh_token";
    /** Directus's session-mode access token. */
    public static final String DIRECTUS_SESSION = "directus_session_token";
    /** The cookies that carry an access token on the {@code auth} mount, in the order a caller is looked for. */
    static final List<String> ACCESS_TOKENS = List.of(BAASIX_TOKEN, DIRECTUS_SESSION);

    private final KeycloakSession session;
    private final TableauthSettings settings;

    AuthCookies(KeycloakSession session, TableauthSettings settings) {
        this.session = session;
        this.settings = settings;
    }

    /** A cookie of the request, or null when absent or blank. */
    public String read(String name) {
        Map<String, Cookie> cookies = session.getContext().getRequestHeaders().getCookies();
        Cookie c = cookies == null ? null : cookies.get(name);
        return c == null || c.getValue() == null || c.getValue().isBlank() ? null : c.getValue();
    }

    /** The access token of the first access-token cookie the request carries (Baasix's, then Directus's session). */
    public String accessToken() {
        return ACCESS_TOKENS.stream().map(this::read).filter(v -> v != null).findFirst().orElse(null);
    }

    /** An HttpOnly auth cookie with the realm's SameSite and Secure settings, scoped to this realm's paths. */
    public NewCookie auth(String name, String value, long maxAgeSeconds) {
        return httpOnly(name, value, realmPath(), sameSite(),
            maxAgeSeconds > 0 && maxAgeSeconds < Integer.MAX_VALUE ? (int) maxAgeSeconds : NewCookie.DEFAULT_MAX_AGE);
    }

    /** A cookie that makes the browser forget one of ours. */
    public NewCookie expired(String name) {
        return httpOnly(name, "", realmPath(), sameSite(), 0);
    }

    /**
     * An HttpOnly cookie, Secure as the realm's settings say; {@code maxAge} 0 expires it (with a past date too, for
     * browsers that read only Expires).
     */
    public NewCookie httpOnly(String name, String value, String path, NewCookie.SameSite sameSite, int maxAge) {
        NewCookie.Builder b = new NewCookie.Builder(name).value(value).path(path).httpOnly(true)
            .secure(settings.cookieSecure()).sameSite(sameSite).maxAge(maxAge);
        if (maxAge == 0) {
            b.expiry(new Date(0));
        }
        return b.build();
    }

    public static Response with(Response response, NewCookie... cookies) {
        Response.ResponseBuilder b = Response.fromResponse(response);
        b.cookie(cookies);
        return b.build();
    }

    private NewCookie.SameSite sameSite() {
        return NewCookie.SameSite.valueOf(settings.cookieSameSite().toUpperCase(Locale.ROOT));
    }

    private String realmPath() {
        return "/realms/" + session.getContext().getRealm().getName() + "/";
    }
}
