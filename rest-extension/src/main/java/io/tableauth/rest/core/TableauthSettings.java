package io.tableauth.rest.core;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.tableauth.authenticator.Hooks;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * A realm's tableauth REST settings, made on the admin console's Realm settings → tableauth-settings tab (a
 * component of the realm, so every node reads the same values from Keycloak's database and realm cache).
 *
 * @param defaultClient  client id of the Keycloak client that dialects without a project header log in with
 * @param loginOwner     which dialect answers the shared {@code POST /auth/login}: {@code directus} or {@code baasix}
 * @param cookieSecure   whether auth cookies carry {@code Secure} (turn off only for local http)
 * @param cookieSameSite {@code Lax}, {@code Strict} or {@code None}
 * @param allowedOrigins browser origins allowed by CORS and for cookie-authenticated state-changing calls
 * @param apiKeyScopes   scopes API keys may carry besides the documented {@code databases:read|write|delete}
 * @param apiKeyGraceSeconds  how long a rotated key's old secret keeps working (0: it stops at once)
 * @param apiKeyTokenSeconds  lifespan of access tokens exchanged for an API key (capped by the realm's)
 * @param passwordResetUrls  pages a password reset mail may link to (Directus's reset_url allow list); the first is
 *                           the default
 * @param forwardAuthGateway which gateway's headers name the original request at forward-auth: auto, nginx, traefik
 *                           or envoy
 * @param forwardAuthSecret  when set, forward-auth answers only requests carrying it (from the gateway)
 * @param stepUpMinutes      how recent a login must be for a user to change their password or e-mail without
 *                           typing the current password
 * @param rateLimitPerIp     unauthenticated calls one client address may make per window (0: no limit)
 * @param rateLimitPerIdentifier  calls naming one e-mail or username allowed per window (0: no limit)
 * @param rateLimitWindowSeconds  the window both rate limits count in
 * @param magicLinkUrls      pages a magic-link mail may link to; the first is the default
 * @param passkeyRpId        the RP ID passkeys made and used over REST are bound to; null: the realm's WebAuthn
 *                           Passwordless Policy's, else Keycloak's host
 * @param passkeyOrigins     origins (the app's pages) whose passkey ceremonies are accepted; empty: Keycloak's own and
 *                           the policy's extra origins
 * @param firstPartyClients  client ids, besides the default client, whose users' tokens may change an account over REST
 * @param emailCodeCooldownSeconds  how long after a mailed login code the same address gets no new one
 */
public record TableauthSettings(String defaultClient, String loginOwner, boolean cookieSecure, String cookieSameSite,
                                List<String> allowedOrigins, List<String> apiKeyScopes, int apiKeyGraceSeconds,
                                int apiKeyTokenSeconds, List<String> passwordResetUrls, String forwardAuthGateway,
                                String forwardAuthSecret, int stepUpMinutes, int rateLimitPerIp,
                                int rateLimitPerIdentifier, int rateLimitWindowSeconds, List<String> magicLinkUrls,
                                String passkeyRpId, List<String> passkeyOrigins, List<String> firstPartyClients,
                                int emailCodeCooldownSeconds) {

    public static final String DEFAULT_CLIENT = "defaultClient";
    public static final String LOGIN_OWNER = "loginOwner";
    public static final String COOKIE_SECURE = "cookieSecure";
    public static final String COOKIE_SAME_SITE = "cookieSameSite";
    public static final String ALLOWED_ORIGINS = "allowedOrigins";
    public static final String API_KEY_SCOPES = "apiKeyScopes";
    public static final String API_KEY_GRACE = "apiKeyRotationGraceSeconds";
    public static final String API_KEY_TOKEN_LIFESPAN = "apiKeyTokenLifespanSeconds";
    public static final String PASSWORD_RESET_URLS = "passwordResetUrls";
    public static final String FORWARD_AUTH_GATEWAY = "forwardAuthGateway";
    public static final String FORWARD_AUTH_SECRET = "forwardAuthSecret";
    public static final List<String> GATEWAYS = List.of("auto", "nginx", "traefik", "envoy");
    public static final String STEP_UP_MINUTES = "stepUpMinutes";
    public static final String RATE_LIMIT_PER_IP = "rateLimitPerIp";
    public static final String RATE_LIMIT_PER_IDENTIFIER = "rateLimitPerIdentifier";
    public static final String RATE_LIMIT_WINDOW = "rateLimitWindowSeconds";
    public static final String MAGIC_LINK_URLS = "magicLinkUrls";
    public static final String PASSKEY_RP_ID = "passkeyRpId";
    public static final String PASSKEY_ORIGINS = "passkeyOrigins";
    public static final String FIRST_PARTY_CLIENTS = "firstPartyClients";
    public static final String EMAIL_CODE_COOLDOWN = "emailCodeCooldownSeconds";
    /** A mailed code per address and minute, as hosted auth services allow. */
    public static final int DEFAULT_EMAIL_CODE_COOLDOWN_SECONDS = 60;
    /**
     * Unauthenticated calls per client address and window: one a second on average, and short windows keep a burst
     * small (all of a window's calls may come at once).
     */
    public static final int DEFAULT_RATE_LIMIT_PER_IP = 10;
    /** Calls naming one account per window: far above what a person mistyping needs. */
    public static final int DEFAULT_RATE_LIMIT_PER_IDENTIFIER = 10;
    public static final int DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 10;
    /** As Keycloak's own console asks for a fresh login before a password change (its max age, 5 minutes). */
    public static final int DEFAULT_STEP_UP_MINUTES = 5;
    public static final int DEFAULT_API_KEY_TOKEN_SECONDS = 300;
    /** Longest grace period a rotation may give the old secret: one week. */
    public static final int MAX_API_KEY_GRACE_SECONDS = 7 * 24 * 3600;

    public static final String OWNER_DIRECTUS = "directus";
    public static final String OWNER_BAASIX = "baasix";
    public static final List<String> SAME_SITE_VALUES = List.of("Lax", "Strict", "None");

    /** What a realm without the settings component gets. */
    public static final TableauthSettings DEFAULTS =
        new TableauthSettings(null, OWNER_DIRECTUS, true, "Lax", List.of(), List.of(), 0, DEFAULT_API_KEY_TOKEN_SECONDS,
            List.of(), "auto", null, DEFAULT_STEP_UP_MINUTES, DEFAULT_RATE_LIMIT_PER_IP,
            DEFAULT_RATE_LIMIT_PER_IDENTIFIER, DEFAULT_RATE_LIMIT_WINDOW_SECONDS, List.of(), null, List.of(), List.of(),
            DEFAULT_EMAIL_CODE_COOLDOWN_SECONDS);

    /** The current realm's settings, read once per request (CORS, routing and the dialect all ask). */
    public static TableauthSettings of(KeycloakSession session) {
        TableauthSettings cached = session.getAttribute(TableauthSettings.class.getName(), TableauthSettings.class);
        if (cached == null) {
            cached = read(session.getContext().getRealm());
            session.setAttribute(TableauthSettings.class.getName(), cached);
        }
        return cached;
    }

    /** Settings read from a component's config, with a copy of that config to tell whether they still hold. */
    private record Read(MultivaluedHashMap<String, String> config, TableauthSettings settings) {
    }

    /**
     * The last settings read per settings component on this node. Only a shortcut: every request compares the
     * component's current config (Keycloak's, invalidated across the cluster on every save) with the copy here.
     */
    private static final Map<String, Read> READ = new ConcurrentHashMap<>();

    /** The realm's settings, or the defaults when none were saved. */
    private static TableauthSettings read(RealmModel realm) {
        return Hooks.settingsComponent(realm)
            .map(TableauthSettings::fromCached)
            .orElse(DEFAULTS);
    }

    private static TableauthSettings fromCached(ComponentModel model) {
        Read last = READ.get(model.getId());
        if (last != null && last.config().equals(model.getConfig())) {
            return last.settings();
        }
        TableauthSettings settings = from(model);
        if (READ.size() > 10_000) {
            READ.clear();
        }
        READ.put(model.getId(), new Read(new MultivaluedHashMap<>(model.getConfig()), settings));
        return settings;
    }

    static TableauthSettings from(ComponentModel model) {
        String client = blankToNull(model.get(DEFAULT_CLIENT));
        String owner = Objects.requireNonNullElse(blankToNull(model.get(LOGIN_OWNER)), OWNER_DIRECTUS)
            .toLowerCase(Locale.ROOT);
        String secure = blankToNull(model.get(COOKIE_SECURE));
        String sameSite = Objects.requireNonNullElse(blankToNull(model.get(COOKIE_SAME_SITE)), "Lax");
        List<String> origins = list(model, ALLOWED_ORIGINS).stream().map(TableauthSettings::normalizeOrigin).toList();
        return new TableauthSettings(client, owner, secure == null || Boolean.parseBoolean(secure), sameSite, origins,
            list(model, API_KEY_SCOPES), seconds(model, API_KEY_GRACE, 0),
            seconds(model, API_KEY_TOKEN_LIFESPAN, DEFAULT_API_KEY_TOKEN_SECONDS),
            list(model, PASSWORD_RESET_URLS).stream().map(TableauthSettings::normaliseResetUrl).toList(),
            Objects.requireNonNullElse(blankToNull(model.get(FORWARD_AUTH_GATEWAY)), "auto").toLowerCase(Locale.ROOT),
            blankToNull(model.get(FORWARD_AUTH_SECRET)),
            seconds(model, STEP_UP_MINUTES, DEFAULT_STEP_UP_MINUTES),
            seconds(model, RATE_LIMIT_PER_IP, DEFAULT_RATE_LIMIT_PER_IP),
            seconds(model, RATE_LIMIT_PER_IDENTIFIER, DEFAULT_RATE_LIMIT_PER_IDENTIFIER),
            seconds(model, RATE_LIMIT_WINDOW, DEFAULT_RATE_LIMIT_WINDOW_SECONDS),
            list(model, MAGIC_LINK_URLS).stream().map(TableauthSettings::normaliseResetUrl).toList(),
            blankToNull(model.get(PASSKEY_RP_ID)),
            list(model, PASSKEY_ORIGINS).stream().map(TableauthSettings::normalizeOrigin).toList(),
            list(model, FIRST_PARTY_CLIENTS),
            seconds(model, EMAIL_CODE_COOLDOWN, DEFAULT_EMAIL_CODE_COOLDOWN_SECONDS));
    }

    /**
     * Is the client (by client id) one of the realm's first-party apps: the default client or one listed in
     * {@code firstPartyClients}? Only their users' tokens change an account over REST.
     */
    public boolean firstParty(String clientId) {
        return clientId != null && (clientId.equals(defaultClient) || firstPartyClients.contains(clientId));
    }

    /** A multivalued setting as saved, each value also split at commas and white space. */
    static List<String> list(ComponentModel model, String key) {
        return model.getConfig() == null || model.getConfig().get(key) == null
            ? List.of()
            : model.getConfig().get(key).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split("[,\\s]+")))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** A whole number (of seconds, minutes, calls), or -1 when the value is not one (the settings tab refuses it). */
    static int seconds(ComponentModel model, String key, int fallback) {
        String value = blankToNull(model.get(key));
        if (value == null) {
            return fallback;
        }
        try {
            return Math.max(-1, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A reset page as the allow list compares it: scheme and host lower case, no trailing slash. */
    public static String normaliseResetUrl(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().toLowerCase(Locale.ROOT);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return scheme + "://" + authority + withoutTrailingSlashes(path);
        } catch (IllegalArgumentException e) {
            return url.trim();
        }
    }

    /**
     * The text without the slashes it ends with, in one pass from the end (a regex such as {@code /+$} tries every
     * slash of a long run as a start: quadratic).
     */
    static String withoutTrailingSlashes(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(0, end);
    }

    /** True when the origin (scheme://host[:port]) is on the allow list; one longer than a URL may be never is. */
    public boolean originAllowed(String origin) {
        return origin != null && origin.length() <= InputLimits.MAX_URL_LENGTH
            && allowedOrigins.contains(normalizeOrigin(origin));
    }

    /** An origin as browsers send it: lower-case scheme and host, no trailing slash, no path. */
    static String normalizeOrigin(String origin) {
        return withoutTrailingSlashes(origin.trim()).toLowerCase(Locale.ROOT);
    }

    /** Null when the value is a valid origin, else why not. */
    static String originProblem(String origin) {
        try {
            URI u = new URI(origin);
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
                return "must start with http:// or https://";
            }
            if (u.getHost() == null) {
                return "has no host";
            }
            if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                || u.getRawQuery() != null || u.getRawFragment() != null) {
                return "must be scheme://host[:port] with no path";
            }
            return null;
        } catch (Exception e) {
            return "is not a URL";
        }
    }

    /** A setting's value trimmed, or null when it is absent or blank. */
    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
