package io.tableauth.keycloak;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;

import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.Version;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsContext;

/**
 * Where Keycloak's internals differ between the supported releases: one adapter per difference, each picked once,
 * when this class loads, from the running Keycloak's version. The bundle is compiled against 26.7.0; an adapter for
 * an older release reaches the older signature through one method handle looked up here, and nowhere else.
 *
 * <p>Differences handled:
 * <ul>
 *   <li>{@code ResourceOwnerPasswordCredentialsContext}: {@code (params)} up to 26.5, {@code (session, params)} from
 *       26.7 (the client-policy event of the password grant, which Keycloak's executors cast to this class).</li>
 *   <li>{@code BruteForceProtector.failedLogin}: without the authentication categories up to 26.5 (where every
 *       failure counts alike), with one category (a string) in 26.6, with a set of them from 26.7 (an OTP failure
 *       also counts as a second-factor failure).</li>
 *   <li>{@code DefaultBruteForceProtector.processLogin} and {@code failure}: the same change;
 *       {@link SerializingBruteForceProtector} overrides both forms.</li>
 *   <li>{@code AuthenticationManager.AuthResult}: a class with getters up to 26.4, a record from 26.5
 *       ({@link BearerAuth} is read from either).</li>
 *   <li>{@code OAuth2GrantTypeBase.createTokenResponseBuilder} and {@code useRefreshToken()}: from 26.5; the API-key
 *       grant takes 26.4's {@code createTokenResponse} path instead ({@link #tokenBuilderSplit()}).</li>
 *   <li>{@code TotpUtils.qrCode(session, …)} is 26.7 only: callers use {@code qrCode(secret, realm, user)}, which
 *       every supported release has.</li>
 * </ul>
 */
public final class KeycloakInternals {

    private static final Logger LOG = Logger.getLogger(KeycloakInternals.class);
    private static final KeycloakRelease RELEASE = KeycloakRelease.of(Version.VERSION);
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();
    private static final AtomicBoolean LINKAGE_LOGGED = new AtomicBoolean();

    /** The password grant's client-policy event, built the way this release's constructor wants. */
    @FunctionalInterface
    private interface PasswordRequestContexts {
        ClientPolicyContext create(KeycloakSession session, MultivaluedMap<String, String> form);
    }

    private static final PasswordRequestContexts PASSWORD_REQUEST = !RELEASE.supported() ? null
        : RELEASE.before26_6() ? formOnly() : ResourceOwnerPasswordCredentialsContext::new;

    /** {@code BruteForceProtector.failedLogin(realm, user, connection, uriInfo)}: 26.4 and 26.5. */
    private static final MethodHandle FAILED_LOGIN_WITHOUT_CATEGORIES = RELEASE.supported() && RELEASE.before26_6()
        ? publicMethod(BruteForceProtector.class, "failedLogin", MethodType.methodType(void.class, RealmModel.class,
            UserModel.class, ClientConnection.class, UriInfo.class))
        : null;

    /** {@code BruteForceProtector.failedLogin(realm, user, connection, uriInfo, category)}: 26.6. */
    private static final MethodHandle FAILED_LOGIN_WITH_CATEGORY = RELEASE.supported() && RELEASE.is26_6()
        ? publicMethod(BruteForceProtector.class, "failedLogin", MethodType.methodType(void.class, RealmModel.class,
            UserModel.class, ClientConnection.class, UriInfo.class, String.class))
        : null;

    /** {@code AuthResult.getUser()}, {@code getSession()}, {@code getToken()}, {@code getClient()}: 26.4. */
    private static final MethodHandle[] AUTH_RESULT_GETTERS = RELEASE.supported() && RELEASE.before26_5()
        ? new MethodHandle[] {
            getter("getUser", UserModel.class), getter("getSession", UserSessionModel.class),
            getter("getToken", AccessToken.class), getter("getClient", ClientModel.class)}
        : null;

    private KeycloakInternals() {
    }

    static BearerAuth bearerAuth(AuthenticationManager.AuthResult r) {
        if (AUTH_RESULT_GETTERS == null) {
            return new BearerAuth(r.user(), r.session(), r.token(), r.client());
        }
        return new BearerAuth((UserModel) invoke(AUTH_RESULT_GETTERS[0], r),
            (UserSessionModel) invoke(AUTH_RESULT_GETTERS[1], r), (AccessToken) invoke(AUTH_RESULT_GETTERS[2], r),
            (ClientModel) invoke(AUTH_RESULT_GETTERS[3], r));
    }

    /**
     * True where {@code OAuth2GrantTypeBase} builds a token response in two steps ({@code createTokenResponseBuilder},
     * then {@code createTokenResponse(builder, …)}), so a grant can change the token in between: 26.5 and later.
     * On 26.4 a grant does it inside {@code createTokenResponse}'s client-policy callback.
     */
    public static boolean tokenBuilderSplit() {
        return !RELEASE.before26_5();
    }

    private static MethodHandle getter(String name, Class<?> type) {
        return publicMethod(AuthenticationManager.AuthResult.class, name, MethodType.methodType(type));
    }

    /**
     * Counts a failed login of the user for brute-force detection, as Keycloak's authenticators do. {@code categories}
     * names the credential types checked ({@code password}, {@code otp}); releases before 26.6 count every failure
     * alike and ignore them.
     */
    public static void failedLogin(KeycloakSession session, RealmModel realm, UserModel user, Set<String> categories) {
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        ClientConnection connection = session.getContext().getConnection();
        UriInfo uri = session.getContext().getUri();
        if (FAILED_LOGIN_WITHOUT_CATEGORIES != null) {
            invoke(FAILED_LOGIN_WITHOUT_CATEGORIES, protector, realm, user, connection, uri);
        } else if (FAILED_LOGIN_WITH_CATEGORY != null) {
            invoke(FAILED_LOGIN_WITH_CATEGORY, protector, realm, user, connection, uri, category(categories));
        } else {
            protector.failedLogin(realm, user, connection, uri, categories);
        }
    }

    /**
     * 26.6's one category for a set of them: {@code otp} where a one-time code was checked (it counts as a
     * second-factor failure there too), else {@code password}, else none.
     */
    static String category(Set<String> categories) {
        if (categories == null || categories.isEmpty()) {
            return null;
        }
        return categories.contains("otp") ? "otp" : categories.contains("password") ? "password"
            : categories.iterator().next();
    }

    /** Whether brute-force detection holds the user locked now (temporarily or for good); false where it is off. */
    public static boolean lockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!realm.isBruteForceProtected()) {
            return false;
        }
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        return protector.isTemporarilyDisabled(session, realm, user)
            || protector.isPermanentlyLockedOut(session, realm, user);
    }

    /** The Keycloak release this server runs. */
    public static KeycloakRelease release() {
        return RELEASE;
    }

    /** Logs, once per server, which Keycloak this is and whether tableauth runs on it. */
    public static void announce() {
        if (ANNOUNCED.compareAndSet(false, true)) {
            if (RELEASE.supported()) {
                LOG.infof("tableauth: running on Keycloak %s (supported: %s)", RELEASE.version(),
                    KeycloakRelease.SUPPORTED_TEXT);
                if (RELEASE.untestedPatch()) {
                    LOG.warnf("tableauth: Keycloak %s is a later patch than this tableauth build was tested on (up "
                        + "to %d.%d.%d); it runs, untested. See README's Keycloak versions for known differences.",
                        RELEASE.version(), RELEASE.major(), RELEASE.minor(),
                        KeycloakRelease.TESTED_PATCHES.get(RELEASE.major() + "." + RELEASE.minor()));
                }
            } else {
                LOG.errorf("tableauth: %s Its REST endpoints answer 503 until then.", RELEASE.unsupportedMessage());
            }
            String proxyWarning = proxyTrustWarning(option("kc.proxy-headers"), option("kc.proxy-trusted-addresses"));
            if (proxyWarning != null) {
                LOG.warn(proxyWarning);
            }
        }
    }

    /**
     * Ends a user session as Keycloak's logout does (its clients told by back-channel, offline sessions too), for a
     * call that is not a browser's.
     */
    public static void endSession(org.keycloak.models.KeycloakSession session,
                                  org.keycloak.models.UserSessionModel userSession) {
        org.keycloak.services.managers.AuthenticationManager.backchannelLogout(session, userSession, true);
    }

    /** As {@link #endSession}, with this request's URI, connection and headers (what Keycloak's events record). */
    public static void endSessionFromThisRequest(org.keycloak.models.KeycloakSession session,
                                                 org.keycloak.models.RealmModel realm,
                                                 org.keycloak.models.UserSessionModel userSession) {
        org.keycloak.services.managers.AuthenticationManager.backchannelLogout(session, realm, userSession,
            session.getContext().getUri(), session.getContext().getConnection(),
            session.getContext().getRequestHeaders(), true);
    }

    /** A kept authentication session of the client, by its root session and tab, or null. */
    public static org.keycloak.sessions.AuthenticationSessionModel authenticationSession(
        org.keycloak.models.KeycloakSession session, org.keycloak.models.RealmModel realm, String rootId,
        org.keycloak.models.ClientModel client, String tabId) {
        return new org.keycloak.services.managers.AuthenticationSessionManager(session)
            .getAuthenticationSessionByIdAndClient(realm, rootId, client, tabId);
    }

    /**
     * The redirect URI as Keycloak's authorization endpoint accepts it for the client (its valid redirect URIs,
     * wildcards and relative forms as Keycloak resolves them), or null when the client does not allow it.
     */
    public static String verifiedRedirectUri(org.keycloak.models.KeycloakSession session, String redirectUri,
                                             org.keycloak.models.ClientModel client) {
        return org.keycloak.protocol.oidc.utils.RedirectUtils.verifyRedirectUri(session, redirectUri, client);
    }

    /**
     * The client's ACR to level-of-authentication mapping, or the realm's where the client has none (Keycloak's
     * {@code AcrUtils}, as its token's {@code acr} claim uses it).
     */
    public static java.util.Map<String, Integer> acrLevels(org.keycloak.models.ClientModel client) {
        return org.keycloak.protocol.oidc.utils.AcrUtils.getAcrLoaMap(client);
    }

    /**
     * Is this request one of Keycloak's own password logins: a password grant at the token endpoint, or a post of the
     * login page's form?
     */
    public static boolean passwordLoginRequest(org.keycloak.models.KeycloakContext context) {
        org.keycloak.http.HttpRequest request = context.getHttpRequest();
        if (request == null || context.getUri() == null || !"POST".equals(request.getHttpMethod())) {
            return false;
        }
        String path = context.getUri().getPath();
        if (path.endsWith("/login-actions/authenticate")) {
            return true;
        }
        return path.endsWith("/protocol/openid-connect/token")
            && "password".equals(request.getDecodedFormParameters().getFirst("grant_type"));
    }

    /**
     * The warning for a server that takes the client address from forwarded headers sent by anyone: every rate limit
     * then counts the address the caller writes. Null when the server does not read them, or trusts listed proxies.
     */
    static String proxyTrustWarning(String proxyHeaders, String trustedAddresses) {
        if (proxyHeaders == null || proxyHeaders.isBlank() || trustedAddresses != null && !trustedAddresses.isBlank()) {
            return null;
        }
        return "tableauth: Keycloak takes client addresses from " + proxyHeaders.trim() + " headers sent from any "
            + "address (--proxy-headers without --proxy-trusted-addresses): a client can name any address, and the "
            + "rate limits per client address count what it writes. Set --proxy-trusted-addresses to your proxies.";
    }

    /** A Keycloak runtime option ({@code kc.…}), or null when it is not set or cannot be read. */
    private static String option(String name) {
        try {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, String.class)
                .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * A {@link LinkageError} met inside a tableauth call: Keycloak's internals are not what this bundle was built
     * and tested for. Logged in full once; the caller answers 503 with the returned message.
     */
    public static String linkageFailure(LinkageError e) {
        if (LINKAGE_LOGGED.compareAndSet(false, true)) {
            LOG.errorf(e, "tableauth: Keycloak %s does not have what this bundle expects (%s). Supported: %s.",
                RELEASE.version(), e, KeycloakRelease.SUPPORTED_TEXT);
        } else {
            LOG.debugf("tableauth: linkage error again: %s", e);
        }
        return RELEASE.supported()
            ? "tableauth cannot serve this call on Keycloak " + RELEASE.version() + "; the server log says why."
            : RELEASE.unsupportedMessage();
    }

    /** The client-policy event of a password grant with this request's form. */
    static ClientPolicyContext passwordRequest(KeycloakSession session, MultivaluedMap<String, String> form) {
        if (PASSWORD_REQUEST == null) {
            throw new IllegalStateException(RELEASE.unsupportedMessage());
        }
        return PASSWORD_REQUEST.create(session, form);
    }

    /** Keycloak 26.4 and 26.5: {@code new ResourceOwnerPasswordCredentialsContext(params)}. */
    private static PasswordRequestContexts formOnly() {
        MethodHandle constructor;
        try {
            constructor = MethodHandles.publicLookup().findConstructor(ResourceOwnerPasswordCredentialsContext.class,
                MethodType.methodType(void.class, MultivaluedMap.class));
        } catch (ReflectiveOperationException e) {
            throw missing("ResourceOwnerPasswordCredentialsContext(MultivaluedMap)", e);
        }
        return (session, form) -> (ClientPolicyContext) invoke(constructor, form);
    }

    private static MethodHandle publicMethod(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findVirtual(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw missing(owner.getSimpleName() + "." + name + type, e);
        }
    }

    /** An adapter's method handle called; what it throws goes on unchanged. */
    static Object invoke(MethodHandle handle, Object... arguments) {
        try {
            return handle.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** An adapter's signature is missing from a release it was picked for: a linkage failure, said as such. */
    static IncompatibleClassChangeError missing(String what, ReflectiveOperationException cause) {
        IncompatibleClassChangeError e = new IncompatibleClassChangeError("Keycloak " + RELEASE.version()
            + " has no " + what);
        e.initCause(cause);
        return e;
    }

    /**
     * A pushed authorization request (RFC 9126) as Keycloak's own PAR endpoint stores it, for a login that must go on
     * in the browser: its {@code request_uri}, which Keycloak's authorization endpoint takes with the client's id
     * (once, within the realm's PAR lifespan). {@code params} are the authorization request's parameters. The store's
     * key is the bare id up to 26.4 and {@code par:} and the id from 26.5.
     */
    public static String pushAuthorizationRequest(org.keycloak.models.KeycloakSession session,
                                                  java.util.Map<String, String> params) {
        String id = org.keycloak.common.util.SecretGenerator.getInstance().generateSecureID();
        java.util.Map<String, String> stored = new java.util.HashMap<>(params);
        stored.put("par.created.time", String.valueOf(System.currentTimeMillis()));
        int lifespan = session.getContext().getRealm().getParPolicy().getRequestUriLifespan();
        session.singleUseObjects().put(RELEASE.before26_5() ? id : "par:" + id, lifespan, stored);
        return "urn:ietf:params:oauth:request_uri:" + id;
    }
}
