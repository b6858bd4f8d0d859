package io.tableauth.rest.core;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import io.tableauth.authenticator.Hooks;
import io.tableauth.hook.HookEngine;
import io.tableauth.rest.branding.Branding;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

/**
 * The admin console's Realm settings tab holding {@link TableauthSettings}. Keycloak's admin UI draws the form
 * from {@link #getConfigProperties()} and saves it as a component of the realm.
 */
public class TableauthSettingsTab implements UiTabProvider, UiTabProviderFactory<ComponentModel> {

    /** Provider id; also the tab's title in the admin console. */
    public static final String PROVIDER_ID = Hooks.SETTINGS_PROVIDER_ID;

    /** A host name: dot-separated labels of letters, digits and inner hyphens. */
    private static final String HOST = "(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*";
    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
        .property().name(TableauthSettings.DEFAULT_CLIENT).label("Default client")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Client id of the OpenID Connect client (with Direct access grants on) that the Mavibase, Baasix, "
            + "SlashApi and Directus endpoints log users in with. MaskAPI names its client in x-mapi-key instead.")
        .add()
        .property().name(TableauthSettings.FIRST_PARTY_CLIENTS).label("First-party clients")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Client ids of your own apps, besides the default client, whose users' tokens may change an account "
            + "over REST (API keys, passkeys, two-factor, password, e-mail, sessions, deletion) and read it (me, "
            + "sessions, passkeys). Any other client's token, a service account's and an API key's get 403, as "
            + "Keycloak's own account API refuses them.").add()
        .property().name(TableauthSettings.LOGIN_OWNER).label("Owner of POST /auth/login")
        .type(ProviderConfigProperty.LIST_TYPE)
        .options(TableauthSettings.OWNER_DIRECTUS, TableauthSettings.OWNER_BAASIX)
        .defaultValue(TableauthSettings.OWNER_DIRECTUS)
        .helpText("Directus and Baasix both document POST /auth/login; this dialect answers it. The other dialect's "
            + "remaining paths are served either way.").add()
        .property().name(TableauthSettings.COOKIE_SECURE).label("Secure cookies")
        .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
        .helpText("Set the Secure flag on the auth cookies of Baasix cookie mode and Directus cookie/session mode. "
            + "Turn off only for local development over plain http.").add()
        .property().name(TableauthSettings.COOKIE_SAME_SITE).label("Cookie SameSite")
        .type(ProviderConfigProperty.LIST_TYPE).options(TableauthSettings.SAME_SITE_VALUES).defaultValue("Lax")
        .helpText("SameSite attribute of the auth cookies. None needs Secure cookies.").add()
        .property().name(TableauthSettings.ALLOWED_ORIGINS).label("Allowed origins")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Browser origins (https://app.example.com) allowed to call the tableauth REST API with CORS, and "
            + "to make cookie-authenticated refresh and logout calls (the Origin header is checked against this "
            + "list).").add()
        .property().name(TableauthSettings.API_KEY_SCOPES).label("API key scopes")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Scopes API keys may carry besides databases:read, databases:write and databases:delete, e.g. "
            + "reports:export. A scope that has a realm role of the same name is granted only to users holding that "
            + "role, when the key is created and again at every use.").add()
        .property().name(TableauthSettings.API_KEY_GRACE).label("API key rotation grace (seconds)")
        .type(ProviderConfigProperty.STRING_TYPE).defaultValue("0")
        .helpText("After a key is rotated, its old secret keeps working this long, so deployments can switch over. "
            + "0 stops it at once; at most 604800 (one week).").add()
        .property().name(TableauthSettings.API_KEY_TOKEN_LIFESPAN).label("API key token lifespan (seconds)")
        .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(TableauthSettings.DEFAULT_API_KEY_TOKEN_SECONDS))
        .helpText("Lifespan of an access token obtained for an API key on the token endpoint (grant type "
            + "urn:tableauth:params:oauth:grant-type:api-key). Never longer than the realm's access token lifespan. "
            + "Resource servers that check JWTs offline accept such a token until it expires, even after its key is "
            + "revoked; tableauth's forward-auth endpoint refuses it at once.").add()
        .property().name(TableauthSettings.PASSWORD_RESET_URLS).label("Password reset URLs")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Pages of your app a password reset mail may link to (https://app.example.com/reset-password); the "
            + "reset token is added as ?token=. Directus's reset_url must be one of them; Mavibase's mails, and "
            + "Directus requests without reset_url, link to the first.").add()
        .property().name(TableauthSettings.MAGIC_LINK_URLS).label("Magic link URLs")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Pages of your app a magic-link login mail may link to (https://app.example.com/magic); the login "
            + "token is added as ?token= and your page sends it to auth/magic-link/verify. A request's redirectUrl "
            + "must be one of them; without one, the first is used. Empty: no magic links.").add()
        .property().name(TableauthSettings.PASSKEY_RP_ID).label("Passkey RP ID")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("The domain passkeys are bound to (example.com): it must be the host of your app's pages, or a "
            + "registrable suffix of it. Empty: the RP ID of the realm's WebAuthn Passwordless Policy, else Keycloak's "
            + "host. For a passkey to work both over REST and on Keycloak's login page, it must be a suffix of both "
            + "hosts, and the policy's RP ID the same.").add()
        .property().name(TableauthSettings.PASSKEY_ORIGINS).label("Passkey origins")
        .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Origins of the pages that make and use passkeys over REST (https://app.example.com). A ceremony "
            + "from any other origin is refused. Empty: Keycloak's own origin and the policy's extra origins.").add()
        .property().name(TableauthSettings.FORWARD_AUTH_GATEWAY).label("Forward-auth gateway")
        .type(ProviderConfigProperty.LIST_TYPE).options(TableauthSettings.GATEWAYS).defaultValue("auto")
        .helpText("Where forward-auth reads the original request: nginx (X-Original-URI), traefik (X-Forwarded-Uri) or "
            + "envoy (the path after /forward-auth). Headers the chosen gateway does not set are ignored, since gateways "
            + "pass their clients' headers on. auto reads all three and refuses a request where they disagree.").add()
        .property().name(TableauthSettings.FORWARD_AUTH_SECRET).label("Forward-auth gateway secret")
        .type(ProviderConfigProperty.PASSWORD).secret(true)
        .helpText("When set, forward-auth answers only requests whose X-Tableauth-Gateway-Secret header holds this "
            + "value: set it in the gateway's configuration (nginx proxy_set_header), so nothing else can use "
            + "forward-auth as an oracle.").add()
        .property().name(TableauthSettings.STEP_UP_MINUTES).label("Step-up age (minutes)")
        .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(TableauthSettings.DEFAULT_STEP_UP_MINUTES))
        .helpText("A user changing their own password or e-mail, or adding a credential (API key, passkey, "
            + "authenticator app, recovery codes) over REST must send their current password, unless they logged in "
            + "at most this many minutes ago. 0 always asks for it.").add()
        .property().name(TableauthSettings.EMAIL_CODE_COOLDOWN).label("E-mail code cooldown (seconds)")
        .type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(TableauthSettings.DEFAULT_EMAIL_CODE_COOLDOWN_SECONDS))
        .helpText("After a login code is mailed to an address, requests for that address within this many seconds "
            + "are answered as usual but mail nothing. Wrong codes count against one budget per user (5 in 15 "
            + "minutes) that a new code does not reset.").add()
        .property().name(TableauthSettings.RATE_LIMIT_PER_IP).label("Rate limit per client address")
        .type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(TableauthSettings.DEFAULT_RATE_LIMIT_PER_IP))
        .helpText("Unauthenticated calls (login, sign-up, refresh, 2FA step, password reset and e-mail verification, "
            + "the API key grant, refused API keys at forward-auth) one client address may make per window; more "
            + "are answered 429 with Retry-After, before any password is hashed. The address is Keycloak's own: behind "
            + "a proxy, start Keycloak with --proxy-headers and --proxy-trusted-addresses so it is the client's, not "
            + "the proxy's. IPv6 addresses count per /64. 0 turns the limit off.").add()
        .property().name(TableauthSettings.RATE_LIMIT_PER_IDENTIFIER).label("Rate limit per e-mail or username")
        .type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(TableauthSettings.DEFAULT_RATE_LIMIT_PER_IDENTIFIER))
        .helpText("Logins, sign-ups, reset and verification mails naming one e-mail or username (trimmed, any case) "
            + "allowed per window, from all addresses together. Keycloak's brute-force detection still locks the "
            + "user after failures; this limit also holds for names that are no one's. 0 turns the limit off.").add()
        .property().name(TableauthSettings.RATE_LIMIT_WINDOW).label("Rate limit window (seconds)")
        .type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(TableauthSettings.DEFAULT_RATE_LIMIT_WINDOW_SECONDS))
        .helpText("The window both rate limits count in, from 1 to 3600 seconds. Counts are shared by every "
            + "Keycloak node and start again with each window.").add()
        .property().name(Branding.LOGO_URL).label("Login page logo")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("URL of a logo (https://, e.g. your app's own logo; or a path on this Keycloak server) that the "
            + "tableauth login theme shows above the realm's display name (Realm settings → General), at most 64 px high. Needs Login "
            + "theme tableauth (Realm settings → Themes).").add()
        .property().name(Branding.PRIMARY_COLOR).label("Login page primary colour")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Hex colour (#1f6feb) of the tableauth login theme's buttons, links and card border; hover is a "
            + "shade darker. Empty keeps Keycloak's blue.").add()
        .property().name(Branding.BACKGROUND_COLOR).label("Login page background colour")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Hex colour (#0d1117) that replaces Keycloak's background picture on the tableauth login theme; "
            + "the realm name above the card turns dark on light colours. Empty keeps the picture.").add()
        .property().name(Hooks.REALM_LOGIN_HOOK).label("Login hook (Keycloak users)")
        .type(ProviderConfigProperty.SCRIPT_TYPE)
        .helpText("JavaScript run at login for users that belong to no auth config, where the flow has the "
            + "\"tableauth hook\" step. Users of an auth config run that config's login hook instead. It sees `user` "
            + "(id, username, email, enabled, emailVerified, firstName, lastName and the user's attributes); "
            + "`return true` allows, `throw new Error(\"message\")` denies with the message, anything else denies. "
            + "Empty allows everyone.").add()
        .property().name(Hooks.REALM_SIGNUP_HOOK).label("Signup hook (Keycloak users)")
        .type(ProviderConfigProperty.SCRIPT_TYPE)
        .helpText("JavaScript run before a sign-up that Keycloak stores itself (no auth config takes new users), "
            + "where the registration flow has the \"tableauth signup hook\" step. It sees `fields` and `user` "
            + "(the submitted fields, passwords left out).").add()
        .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "tableauth REST API settings for this realm";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public String getPath() {
        return "/:realm/realm-settings/:tab?";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", "tableauth");
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
        throws ComponentValidationException {
        for (String hook : List.of(Hooks.REALM_LOGIN_HOOK, Hooks.REALM_SIGNUP_HOOK)) {
            HookEngine.get().syntaxError(model.get(hook)).ifPresent(error -> {
                throw new ComponentValidationException((Hooks.REALM_LOGIN_HOOK.equals(hook) ? "Login hook"
                    : "Signup hook") + " has a syntax error. " + error);
            });
        }
        TableauthSettings s = TableauthSettings.from(model);
        if (s.defaultClient() != null) {
            var client = session.clients().getClientByClientId(realm, s.defaultClient());
            if (client == null) {
                throw new ComponentValidationException("Default client " + s.defaultClient()
                    + " does not exist in this realm.");
            }
            if (!client.isDirectAccessGrantsEnabled()) {
                throw new ComponentValidationException("Default client " + s.defaultClient()
                    + " must have Direct access grants enabled.");
            }
        }
        for (String clientId : s.firstPartyClients()) {
            if (session.clients().getClientByClientId(realm, clientId) == null) {
                throw new ComponentValidationException("First-party client " + clientId
                    + " does not exist in this realm.");
            }
        }
        if (!List.of(TableauthSettings.OWNER_DIRECTUS, TableauthSettings.OWNER_BAASIX).contains(s.loginOwner())) {
            throw new ComponentValidationException("Owner of POST /auth/login must be directus or baasix.");
        }
        if (!TableauthSettings.SAME_SITE_VALUES.contains(s.cookieSameSite())) {
            throw new ComponentValidationException("Cookie SameSite must be Lax, Strict or None.");
        }
        if ("None".equals(s.cookieSameSite()) && !s.cookieSecure()) {
            throw new ComponentValidationException("Cookie SameSite None needs Secure cookies: browsers drop it otherwise.");
        }
        for (String origin : s.allowedOrigins()) {
            String problem = TableauthSettings.originProblem(origin);
            if (problem != null) {
                throw new ComponentValidationException("Allowed origin " + origin + " " + problem + ".");
            }
        }
        // the values as typed: the settings keep them normalised (no query, no fragment), which would hide a fragment
        linkPages("Password reset URL", TableauthSettings.list(model, TableauthSettings.PASSWORD_RESET_URLS));
        linkPages("Magic link URL", TableauthSettings.list(model, TableauthSettings.MAGIC_LINK_URLS));
        for (String origin : s.passkeyOrigins()) {
            String problem = TableauthSettings.originProblem(origin);
            if (problem != null) {
                throw new ComponentValidationException("Passkey origin " + origin + " " + problem + ".");
            }
        }
        if (s.passkeyRpId() != null && !s.passkeyRpId().matches(HOST)) {
            throw new ComponentValidationException("Passkey RP ID must be a host name (example.com), without scheme or port.");
        }
        String brandingProblem = Branding.from(model).problem();
        if (brandingProblem != null) {
            throw new ComponentValidationException(brandingProblem);
        }
        for (String scope : s.apiKeyScopes()) {
            if (!scope.matches("[A-Za-z0-9][A-Za-z0-9:._/-]{0,99}")) {
                throw new ComponentValidationException("API key scope " + scope + " may hold only letters, digits "
                    + "and : . _ / - (at most 100).");
            }
        }
        if (s.apiKeyGraceSeconds() < 0 || s.apiKeyGraceSeconds() > TableauthSettings.MAX_API_KEY_GRACE_SECONDS) {
            throw new ComponentValidationException("API key rotation grace must be a number of seconds from 0 to "
                + TableauthSettings.MAX_API_KEY_GRACE_SECONDS + ".");
        }
        if (s.stepUpMinutes() < 0 || s.stepUpMinutes() > 1440) {
            throw new ComponentValidationException("Step-up age must be a number of minutes from 0 to 1440.");
        }
        if (s.emailCodeCooldownSeconds() < 0 || s.emailCodeCooldownSeconds() > 3600) {
            throw new ComponentValidationException("E-mail code cooldown must be a number of seconds from 0 to 3600.");
        }
        if (s.rateLimitPerIp() < 0 || s.rateLimitPerIp() > 1_000_000) {
            throw new ComponentValidationException("Rate limit per client address must be a number of calls from 0 "
                + "to 1000000.");
        }
        if (s.rateLimitPerIdentifier() < 0 || s.rateLimitPerIdentifier() > 1_000_000) {
            throw new ComponentValidationException("Rate limit per e-mail or username must be a number of calls from 0 "
                + "to 1000000.");
        }
        if (s.rateLimitWindowSeconds() < 1 || s.rateLimitWindowSeconds() > 3600) {
            throw new ComponentValidationException("Rate limit window must be a number of seconds from 1 to 3600.");
        }
        if (!TableauthSettings.GATEWAYS.contains(s.forwardAuthGateway())) {
            throw new ComponentValidationException("Forward-auth gateway must be auto, nginx, traefik or envoy.");
        }
        if (s.forwardAuthSecret() != null && s.forwardAuthSecret().length() < 16) {
            throw new ComponentValidationException("Forward-auth gateway secret must be at least 16 characters.");
        }
        if (s.apiKeyTokenSeconds() < 10 || s.apiKeyTokenSeconds() > 86_400) {
            throw new ComponentValidationException("API key token lifespan must be a number of seconds from 10 to 86400.");
        }
        long others = realm.getComponentsStream(realm.getId(), UiTabProvider.class.getName())
            .filter(c -> PROVIDER_ID.equals(c.getProviderId()) && !c.getId().equals(model.getId())).count();
        if (others > 0) {
            throw new ComponentValidationException("This realm already has tableauth settings: edit those.");
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    /** Pages a mailed link may lead to: http(s) URLs without a fragment (the token is added as a query parameter). */
    static void linkPages(String what, List<String> urls) {
        for (String url : urls) {
            if (url.length() > InputLimits.MAX_URL_LENGTH) {
                // a link a request could never ask for: requests' pages are refused over this length
                throw new ComponentValidationException(what + " " + url.substring(0, 80) + "… is longer than "
                    + InputLimits.MAX_URL_LENGTH + " characters.");
            }
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            // (a scheme-relative //host/page has no scheme: List.contains(null) would throw, a 500 for the admin)
            if (uri == null || uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawFragment() != null
                || !List.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))) {
                throw new ComponentValidationException(what + " " + url + " must be an http(s) URL "
                    + "without a #fragment.");
            }
        }
    }
}
