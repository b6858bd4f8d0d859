package io.tableauth.rest.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.storage.SqlUserStorageConfig;
import io.tableauth.storage.SqlUserStorageProvider;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.endpoints.TokenEndpoint;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.utils.AuthorizeClientUtil;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.BruteForceProtector;
import io.tableauth.rest.apikey.ApiKeyTokens;
import org.keycloak.sessions.AuthenticationSessionModel;
import io.tableauth.authenticator.Hooks;
import io.tableauth.hook.HookOutcome;
import io.tableauth.keycloak.PasswordGrant;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.util.TokenUtil;

/**
 * The one auth service behind every dialect: login, sign-up, refresh, logout and "who am I", on Keycloak's own
 * machinery. Login runs Keycloak's token endpoint with a password grant (client authentication, the realm's or the
 * client's direct-grant flow with every authenticator, brute-force detection, required actions, events, client
 * policies), so a REST login is held to exactly the rules of {@code /protocol/openid-connect/token}. One instance
 * per request.
 */
public final class AuthService {

    private static final Logger LOG = Logger.getLogger(AuthService.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public AuthService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public RealmModel realm() {
        return realm;
    }

    /** The realm's tableauth settings, read once per request. */
    public TableauthSettings settings() {
        return TableauthSettings.of(session);
    }

    // --- who the call is for

    /**
     * The project a call is made for.
     *
     * @param clientId     the client named by the request (MaskAPI x-mapi-key), or null for the realm default client
     * @param authConfig   an auth config's component id or name, or null for none
     * @param configByName true when {@code authConfig} is a name (SlashApi identifier), false for an id (MaskAPI)
     */
    public Project project(String clientId, String authConfig, boolean configByName) {
        ClientModel client;
        if (clientId == null) {
            String fallback = settings().defaultClient();
            if (fallback == null) {
                throw new AuthError(AuthError.Kind.MISCONFIGURED, "No default client is set for this realm "
                    + "(Realm settings, tab tableauth-settings).");
            }
            client = session.clients().getClientByClientId(realm, fallback);
            if (client == null) {
                throw new AuthError(AuthError.Kind.MISCONFIGURED, "The realm's default client does not exist.");
            }
        } else {
            client = session.clients().getClientByClientId(realm, clientId);
            if (client == null || !client.isEnabled()) {
                throw new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "Unknown project key");
            }
        }
        ComponentModel config = null;
        if (authConfig != null) {
            config = SqlUserStorageProviderFactory.authConfigs(realm)
                .filter(c -> configByName ? authConfig.equals(c.getName()) : authConfig.equals(c.getId()))
                .findFirst()
                .orElseThrow(() -> new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "Unknown auth config"));
        }
        session.getContext().setClient(client);
        if (config != null) {
            // Every lookup of this request (login, a user's own records) sees only this config's table; what must be
            // unique in the realm is checked unscoped.
            session.setAttribute(SqlUserStorageProvider.AUTH_CONFIG_NOTE, config.getId());
        }
        return new Project(client, config);
    }

    /** Runs work that must see every auth config and Keycloak's own users, even in a request scoped to one config. */
    <T> T unscoped(java.util.function.Supplier<T> work) {
        Object scope = session.getAttribute(SqlUserStorageProvider.AUTH_CONFIG_NOTE);
        session.removeAttribute(SqlUserStorageProvider.AUTH_CONFIG_NOTE);
        try {
            return work.get();
        } finally {
            if (scope != null) {
                session.setAttribute(SqlUserStorageProvider.AUTH_CONFIG_NOTE, scope);
            }
        }
    }

    // --- login

    /**
     * A login that succeeded (Keycloak's tokens and the user they were issued to), or, for a two-step login of a user
     * with TOTP, the temporary token that {@link #completeSecondFactor} takes with the code (tokens null).
     */
    public record Login(TokenSet tokens, UserModel user, String tempToken) {

        Login(TokenSet tokens, UserModel user) {
            this(tokens, user, null);
        }

        public boolean secondFactorRequired() {
            return tempToken != null;
        }
    }

    /** How long a two-step login waits for its code, at most (the realm's login lifespan may be shorter). */
    public static final int TEMP_TOKEN_SECONDS = 300;
    private static final String TEMP_TOKEN_KEY = "tableauth-2fa-login:";

    /** Logs in through Keycloak's password grant; throws {@link AuthError} with the reason otherwise. */
    public Login login(Project project, String credential, String password, String otp) {
        return login(project, credential, password, otp, false);
    }

    /**
     * Logs in; with {@code twoStep}, a user with TOTP who sent no code gets a temporary token instead of an error
     * (Mavibase's {@code requires2FA}), and the Keycloak authentication session waits for the code.
     */
    public Login login(Project project, String credential, String password, String otp, boolean twoStep) {
        if (credential == null || credential.isBlank()) {
            throw AuthError.validation("credential", "The credential is required.");
        }
        if (password == null || password.isEmpty()) {
            throw AuthError.validation("password", "The password is required.");
        }
        if (project.authConfig() != null) {
            // the config's table is out of reach: say so at once, before any lookup (the same for every user)
            Availability.require(session, realm, project.authConfig(), "Login");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.GRANT_TYPE, OAuth2Constants.PASSWORD);
        form.put(OAuth2Constants.CLIENT_ID, project.client().getClientId());
        form.put(OAuth2Constants.USERNAME, credential.trim());
        form.put(OAuth2Constants.PASSWORD, password);
        if (otp != null && !otp.isBlank()) {
            form.put("otp", otp.trim()); // read by Keycloak's direct-grant OTP authenticator
        }
        EventBuilder event = event();
        PasswordGrant grant = new PasswordGrant(twoStep);
        Response response = grantCall(form, event, grant::process);
        if (grant.waitingForCode() != null) {
            return new Login(null, grant.waitingForCode().getAuthenticatedUser(),
                issueTempToken(project, grant.waitingForCode()));
        }
        return finishLogin(project, response, event, grant, otp, password);
    }

    private Login finishLogin(Project project, Response response, EventBuilder event, PasswordGrant grant, String otp,
                              String password) {
        AccessTokenResponse tokens;
        try {
            tokens = tokensOf(response);
        } catch (AuthError e) {
            if (grant.codeRejected()) {
                throw otp == null || otp.isBlank()
                    ? new AuthError(AuthError.Kind.OTP_REQUIRED, "A one-time code is required")
                    : new AuthError(AuthError.Kind.INVALID_OTP, "Invalid one-time code");
            }
            if (e.kind() == AuthError.Kind.ACCOUNT_DISABLED && password != null && !passwordRight(event, password)) {
                // Keycloak before 26.5 refuses a disabled user before it checks the password: "disabled" is said
                // only to whoever knows the password, on every release, so it tells nobody else the account exists
                throw AuthError.invalidCredentials();
            }
            if (e.kind() == AuthError.Kind.INVALID_CREDENTIALS) {
                if (password != null) {
                    equalizeFailureCost(project, event, password);
                }
                // No user, or not this password: a table that could hold the user was out of reach, so "invalid
                // credentials" might be wrong. Decided by the tables' state alone, whoever the user is.
                Availability.require(session, realm, project.authConfig(), "Login");
            }
            throw e;
        }
        UserModel user = session.users().getUserById(realm, event.getEvent().getUserId());
        if (user == null || (project.authConfig() != null
            && !project.authConfigId().equals(user.getFederationLink()))) {
            // Only possible when a Keycloak user shadows the config's table: not a user of this config.
            endSession(tokens.getSessionState());
            throw AuthError.invalidCredentials();
        }
        return new Login(TokenSet.of(tokens), user);
    }

    /** The password is the refused user's own (checked against their credential, whatever their state). */
    private boolean passwordRight(EventBuilder event, String password) {
        String userId = event.getEvent().getUserId();
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        return user != null && user.credentialManager().isValid(UserCredentialModel.password(password));
    }

    private String issueTempToken(Project project, AuthenticationSessionModel authSession) {
        String token = "temp_" + SecretGenerator.getInstance().randomString(40);
        Map<String, String> notes = new HashMap<>();
        notes.put("root", authSession.getParentSession().getId());
        notes.put("tab", authSession.getTabId());
        notes.put("client", authSession.getClient().getId());
        notes.put("user", authSession.getAuthenticatedUser().getId());
        if (project.authConfig() != null) {
            notes.put("config", project.authConfigId());
        }
        int ttl = Math.max(30, Math.min(TEMP_TOKEN_SECONDS, realm.getAccessCodeLifespanLogin()));
        session.singleUseObjects().put(TEMP_TOKEN_KEY + sha256(token), ttl, notes);
        return token;
    }

    /**
     * The second step of a two-step login: the temporary token (single use, on any node) and the code finish the
     * Keycloak authentication session the first step left waiting. A wrong code uses the token up.
     */
    public Login completeSecondFactor(String tempToken, String code) {
        if (tempToken == null || tempToken.isBlank()) {
            throw AuthError.validation("tempToken", "The tempToken is required.");
        }
        if (code == null || code.isBlank()) {
            throw AuthError.validation("code", "The code is required.");
        }
        Map<String, String> notes = session.singleUseObjects().remove(TEMP_TOKEN_KEY + sha256(tempToken.trim()));
        if (notes == null) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired temporary token");
        }
        ClientModel client = realm.getClientById(notes.get("client"));
        AuthenticationSessionModel authSession = client == null ? null : new AuthenticationSessionManager(session)
            .getAuthenticationSessionByIdAndClient(realm, notes.get("root"), client, notes.get("tab"));
        UserModel user = authSession == null ? null : authSession.getAuthenticatedUser();
        if (user == null || !user.getId().equals(notes.get("user"))) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired temporary token");
        }
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        if (realm.isBruteForceProtected() && (protector.isTemporarilyDisabled(session, realm, user)
            || protector.isPermanentlyLockedOut(session, realm, user))) {
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, false);
            throw AuthError.invalidCredentials();
        }
        ComponentModel config = notes.get("config") == null ? null : realm.getComponent(notes.get("config"));
        if (config != null) {
            session.setAttribute(SqlUserStorageProvider.AUTH_CONFIG_NOTE, config.getId());
        }
        session.getContext().setAuthenticationSession(authSession);
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.GRANT_TYPE, OAuth2Constants.PASSWORD);
        form.put(OAuth2Constants.CLIENT_ID, client.getClientId());
        form.put("otp", code.trim());
        EventBuilder event = event();
        PasswordGrant grant = new PasswordGrant(false);
        Response response = grantCall(form, event, ctx -> grant.resume(ctx, authSession));
        return finishLogin(new Project(client, config), response, event, grant, code, null);
    }

    private static String sha256(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes every "invalid credentials" answer cost the same: one hash in the realm's algorithm plus one verify in the
     * table's format. Keycloak already spent one of them (a dummy hash for an unknown or locked user, the realm hash
     * of a Keycloak user, the table verify of a table user); this spends the other. So neither the answer nor its
     * time tells an unknown user from a wrong password, for table users and Keycloak users alike.
     */
    private void equalizeFailureCost(Project project, EventBuilder event, String password) {
        String error = event.getEvent().getError();
        String userId = event.getEvent().getUserId();
        boolean tableVerified = userId != null && userId.startsWith("f:")
            && (Errors.INVALID_USER_CREDENTIALS.equals(error) || Errors.USER_DISABLED.equals(error));
        if (tableVerified) {
            spendRealmDummyHash();
        } else {
            spendTableDummyVerify(project, password);
        }
    }

    private void spendRealmDummyHash() {
        PasswordPolicy policy = realm.getPasswordPolicy();
        PasswordHashProvider provider = policy != null && policy.getHashAlgorithm() != null
            ? session.getProvider(PasswordHashProvider.class, policy.getHashAlgorithm())
            : session.getProvider(PasswordHashProvider.class);
        provider.encodedCredential("SlightlyLongerDummyPassword", policy != null ? policy.getHashIterations() : -1);
    }

    private void spendTableDummyVerify(Project project, String password) {
        ComponentModel config = project.authConfig() != null ? project.authConfig()
            : SqlUserStorageProviderFactory.enabledAuthConfigs(realm).findFirst().orElse(null);
        if (config == null) {
            return;
        }
        SqlUserStorageProviderFactory factory = (SqlUserStorageProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(UserStorageProvider.class, SqlUserStorageProviderFactory.PROVIDER_ID);
        try {
            factory.dummyVerify(session, config, password);
        } catch (RuntimeException e) {
            LOG.debugf("tableauth: dummy verify for %s failed: %s", config.getName(), e.getMessage());
        }
    }

    // --- refresh

    /** Rotates a refresh token at Keycloak's token endpoint (the realm's reuse rules apply). */
    public Login refresh(Project project, String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw AuthError.validation("refreshToken", "The refresh token is required.");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.GRANT_TYPE, OAuth2Constants.REFRESH_TOKEN);
        form.put(OAuth2Constants.CLIENT_ID, project.client().getClientId());
        form.put(OAuth2Constants.REFRESH_TOKEN, refreshToken.trim());
        return tokenGrant(form, "Invalid refresh token");
    }

    // --- authorization code (provider logins)

    /**
     * Redeems an authorization code of the project's client at Keycloak's token endpoint (redirect URI and PKCE
     * verifier checked there): the tokens of a login that ran in the browser, e.g. through an identity provider.
     */
    public Login exchangeCode(Project project, String code, String redirectUri, String codeVerifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.GRANT_TYPE, OAuth2Constants.AUTHORIZATION_CODE);
        form.put(OAuth2Constants.CLIENT_ID, project.client().getClientId());
        form.put(OAuth2Constants.CODE, code);
        form.put(OAuth2Constants.REDIRECT_URI, redirectUri);
        form.put(OAuth2Constants.CODE_VERIFIER, codeVerifier);
        return tokenGrant(form, "Invalid or expired login code");
    }

    /**
     * A token-endpoint grant that takes no password (refresh, code): any refusal but the project's own is
     * INVALID_TOKEN with {@code refusal} as its message.
     */
    private Login tokenGrant(Map<String, String> form, String refusal) {
        EventBuilder event = event();
        AccessTokenResponse tokens;
        try {
            tokens = tokenEndpoint(form, event);
        } catch (AuthError e) {
            if (e.kind() != AuthError.Kind.UNKNOWN_PROJECT && e.kind() != AuthError.Kind.MISCONFIGURED) {
                LOG.debugf("tableauth: %s refused: %s", form.get(OAuth2Constants.GRANT_TYPE), e.getMessage());
                throw new AuthError(AuthError.Kind.INVALID_TOKEN, refusal);
            }
            throw e;
        } catch (RuntimeException e) {
            Availability.rethrowIfUnavailable(e);
            if (refreshLocked(e)) {
                session.getTransactionManager().setRollbackOnly();
                throw new AuthError(AuthError.Kind.UNAVAILABLE, "This session is being refreshed by another request: "
                    + "try again in a moment");
            }
            throw e;
        }
        UserModel user = session.users().getUserById(realm, event.getEvent().getUserId());
        return new Login(TokenSet.of(tokens), user);
    }

    // --- logout

    /** Ends the Keycloak session of a refresh token (preferred) or an access token. */
    public void logout(Project project, String refreshToken, String accessToken) {
        EventBuilder event = event().event(EventType.LOGOUT);
        UserSessionModel userSession;
        if (refreshToken != null && !refreshToken.isBlank()) {
            userSession = sessionOfRefreshToken(project.client(), refreshToken.trim());
        } else if (accessToken != null && !accessToken.isBlank()) {
            BearerAuth auth = bearer(accessToken);
            userSession = auth == null ? null : auth.session();
        } else {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "A refresh token or a Bearer token is required");
        }
        if (userSession == null) {
            event.error(Errors.INVALID_TOKEN);
            throw AuthError.invalidToken();
        }
        event.user(userSession.getUser()).session(userSession);
        AuthenticationManager.backchannelLogout(session, realm, userSession, session.getContext().getUri(),
            session.getContext().getConnection(), session.getContext().getRequestHeaders(), true,
            userSession.isOffline());
        event.success();
    }

    private UserSessionModel sessionOfRefreshToken(ClientModel client, String encoded) {
        try {
            RefreshToken token = new TokenManager().verifyRefreshToken(session, realm, client,
                session.getContext().getHttpRequest(), encoded, false);
            boolean offline = TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType());
            UserSessionModel us = offline
                ? new UserSessionManager(session).findOfflineUserSession(realm, token.getSessionId())
                : session.sessions().getUserSession(realm, token.getSessionId());
            if (us == null || token.getIat() + 1 < us.getStarted()) {
                return null;
            }
            return us;
        } catch (OAuthErrorException | RuntimeException e) {
            LOG.debugf("tableauth: refresh token refused at logout: %s", e.getMessage());
            return null;
        }
    }

    /** Ends one Keycloak user session (used when a login must be taken back). */
    private void endSession(String sessionId) {
        if (sessionId == null) {
            return;
        }
        UserSessionModel us = session.sessions().getUserSession(realm, sessionId);
        if (us != null) {
            AuthenticationManager.backchannelLogout(session, us, true);
        }
    }

    // --- me

    /**
     * The user of a valid access token of this realm: a Bearer token whose session is still active, or a token
     * exchanged for an API key that is still usable. For calls that only read; else INVALID_TOKEN.
     */
    public UserModel me(String accessToken) {
        BearerAuth auth = accessToken == null ? null : bearer(accessToken);
        if (auth == null) {
            throw AuthError.invalidToken();
        }
        return auth.user();
    }

    /**
     * The caller of a call that changes the account (profile, password, e-mail, deletion, two-factor, API keys): a
     * Bearer token of a login. A token exchanged for an API key carries only the key's scopes and gets FORBIDDEN.
     */
    public BearerAuth accountCaller(String accessToken) {
        BearerAuth auth = accessToken == null ? null : bearer(accessToken);
        if (auth == null) {
            throw AuthError.invalidToken();
        }
        if (ApiKeyTokens.isApiKeyToken(auth.token())) {
            event().event(EventType.UPDATE_PROFILE_ERROR).user(auth.user())
                .detail(Details.REASON, "token of an API key").error(Errors.NOT_ALLOWED);
            throw new AuthError(AuthError.Kind.FORBIDDEN, "A token obtained with an API key cannot change the account");
        }
        return auth;
    }

    /**
     * The verified access token's user and session, or null (bad signature, expired, session gone, user disabled). A
     * token exchanged for an API key has no session: it is verified by {@link ApiKeyTokens}.
     */
    public BearerAuth bearer(String accessToken) {
        try {
            BearerAuth auth = BearerAuth.of(new AppAuthManager.BearerTokenAuthenticator(session).setRealm(realm)
                .setTokenString(accessToken.trim()).authenticate());
            return auth != null ? auth : ApiKeyTokens.verify(session, accessToken.trim());
        } catch (RuntimeException e) {
            Availability.rethrowIfUnavailable(e); // the user's table is out of reach: 503, not "invalid token"
            LOG.debugf("tableauth: bearer token refused: %s", e.getMessage());
            return null;
        }
    }

    // --- sign-up

    /** A sign-up request in dialect-neutral terms. */
    public record Signup(String username, String email, String firstName, String lastName, String password,
                         Consumer<UserModel> extra) {
    }

    /**
     * Creates a user through the realm's user profile (registration rules) and password policy, in the auth config's
     * table when the project names one (else wherever Keycloak puts new users: a config with "new users go into this
     * table", or Keycloak itself). Either everything is written or, on any error, nothing.
     */
    public UserModel signup(Project project, Signup request) {
        if (!realm.isRegistrationAllowed()) {
            throw new AuthError(AuthError.Kind.FORBIDDEN, "Sign-up is switched off for this realm");
        }
        if (project.authConfig() != null) {
            SqlUserStorageConfig config = SqlUserStorageConfig.from(project.authConfig());
            if (!config.writable() || !config.signupAllowed()) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, "Sign-up is not allowed for this auth config");
            }
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw AuthError.validation("password", "The password is required.");
        }
        // Every table must answer: the new user goes into one, and the username and e-mail must be free in all.
        Availability.require(session, realm, null, "Sign-up");
        Map<String, Object> attributes = new HashMap<>();
        putIfPresent(attributes, UserModel.USERNAME, request.username());
        putIfPresent(attributes, UserModel.EMAIL, request.email());
        putIfPresent(attributes, UserModel.FIRST_NAME, request.firstName());
        putIfPresent(attributes, UserModel.LAST_NAME, request.lastName());
        PolicyError policy = session.getProvider(PasswordPolicyManagerProvider.class)
            .validate(request.username() != null ? request.username() : request.email(), request.password());
        if (policy != null) {
            throw AuthError.validation("password", message(policy.getMessage(), policy.getParameters()));
        }
        if (project.authConfig() != null && unscoped(() -> taken(request))) {
            // A scoped sign-up must not shadow a user of another table or of Keycloak in unscoped logins and resets.
            throw new AuthError(AuthError.Kind.USER_EXISTS, "User already exists");
        }
        UserProfile profile = session.getProvider(UserProfileProvider.class)
            .create(UserProfileContext.REGISTRATION, attributes);
        try {
            profile.validate();
        } catch (ValidationException e) {
            throw profileError(e);
        }
        runSignupHook(project, request);
        Availability.require(session, realm, null, "Sign-up"); // a lookup above may have found a table out of reach
        EventBuilder event = event().event(EventType.REGISTER).detail(Details.REGISTER_METHOD, "tableauth-rest")
            .detail(Details.USERNAME, request.username()).detail(Details.EMAIL, request.email());
        try {
            UserModel user = profile.create();
            user.setEnabled(true);
            if (user.getCreatedTimestamp() == null) {
                user.setCreatedTimestamp(Time.currentTimeMillis()); // a table user keeps it in federated storage
            }
            PolicyError userPolicy = session.getProvider(PasswordPolicyManagerProvider.class)
                .validate(realm, user, request.password());
            if (userPolicy != null) {
                throw AuthError.validation("password", message(userPolicy.getMessage(), userPolicy.getParameters()));
            }
            user.credentialManager().updateCredential(UserCredentialModel.password(request.password(), false));
            if (project.authConfig() != null && !project.authConfigId().equals(user.getFederationLink())) {
                throw new AuthError(AuthError.Kind.INTERNAL, "The new user was not stored in the auth config's table");
            }
            if (request.extra() != null) {
                request.extra().accept(user);
            }
            event.user(user).success();
            new EmailVerification(session).afterSignup(user);
            return user;
        } catch (AuthError e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            throw e;
        } catch (ValidationException e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            throw profileError(e);
        } catch (ModelException e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            LOG.debugf("tableauth: sign-up refused: %s", e.getMessage());
            throw AuthError.validation("password", e.getMessage() == null ? "The password was refused."
                : message(e.getMessage(), e.getParameters()));
        }
    }

    /** The signup hook, when the realm's registration flow has it: the same step as on the registration page. */
    private void runSignupHook(Project project, Signup request) {
        if (!Hooks.signupHookEnabled(realm)) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(UserModel.USERNAME, request.username());
        fields.put(UserModel.EMAIL, request.email());
        fields.put(UserModel.FIRST_NAME, request.firstName());
        fields.put(UserModel.LAST_NAME, request.lastName());
        ComponentModel target = project.authConfig() != null ? project.authConfig() : Hooks.signupTarget(realm);
        HookOutcome outcome = Hooks.signup(realm, target, fields);
        if (!outcome.allowed()) {
            event().event(EventType.REGISTER).detail(Details.REGISTER_METHOD, "tableauth-rest")
                .detail(Details.USERNAME, request.username()).detail(Details.EMAIL, request.email())
                .detail(Details.REASON, outcome.verdict() == HookOutcome.Verdict.DENY
                    ? "tableauth signup hook denied" : "tableauth signup hook stopped: " + outcome.reason())
                .error(Errors.INVALID_REGISTRATION);
            throw new AuthError(AuthError.Kind.FORBIDDEN, outcome.message());
        }
    }

    /** Whether the username or e-mail belongs to someone in any auth config of the realm or in Keycloak itself. */
    private boolean taken(Signup request) {
        return request.username() != null && session.users().getUserByUsername(realm, request.username().trim()) != null
            || request.email() != null && session.users().getUserByEmail(realm, request.email().trim()) != null;
    }

    private static void putIfPresent(Map<String, Object> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, value.trim());
        }
    }

    AuthError profileError(ValidationException e) {
        boolean exists = e.getErrors().stream().anyMatch(err ->
            "usernameExistsMessage".equals(err.getMessage()) || "emailExistsMessage".equals(err.getMessage())
                || "error-user-attribute-email-exists".equals(err.getMessage())
                || "error-username-exists".equals(err.getMessage()));
        if (exists) {
            return new AuthError(AuthError.Kind.USER_EXISTS, "User already exists");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (ValidationException.Error err : e.getErrors()) {
            fields.putIfAbsent(err.getAttribute(), message(err.getMessage(), err.getMessageParameters()));
        }
        String first = fields.values().stream().findFirst().orElse("Invalid data");
        return new AuthError(AuthError.Kind.VALIDATION, first, fields);
    }

    // --- user view

    public AuthUser view(UserModel user) {
        Map<String, List<String>> attributes = user.getAttributes();
        return new AuthUser(user.getId(), user.getUsername(), user.getEmail(), user.getFirstName(), user.getLastName(),
            user.isEmailVerified(), user.getCreatedTimestamp(), attributes == null ? Map.of() : attributes);
    }

    /** The user's effective realm roles, for dialects that show permissions. */
    public List<String> effectiveRealmRoles(UserModel user) {
        return realm.getRolesStream().filter(user::hasRole).map(RoleModel::getName)
            .filter(n -> !n.equals(realm.getDefaultRole().getName()))
            .sorted().collect(Collectors.toList());
    }

    /** May the caller (by access token) manage users of this realm? */
    public boolean canManageUsers(BearerAuth caller) {
        if (caller == null) {
            return false;
        }
        ClientModel realmManagement = session.clients().getClientByClientId(realm, Constants.REALM_MANAGEMENT_CLIENT_ID);
        if (realmManagement == null) {
            return false;
        }
        RoleModel manageUsers = realmManagement.getRole("manage-users");
        return manageUsers != null && caller.user().hasRole(manageUsers);
    }

    // --- Keycloak's token endpoint behind a JSON call

    EventBuilder event() {
        ClientConnection connection = session.getContext().getConnection();
        return new EventBuilder(realm, session, connection);
    }

    /** Runs {@code /protocol/openid-connect/token} with the given form; its error becomes an {@link AuthError}. */
    private AccessTokenResponse tokenEndpoint(Map<String, String> form, EventBuilder event) {
        return tokensOf(withForm(form, () -> new TokenEndpoint(session, new TokenManager(), event).processGrantRequest()));
    }

    /**
     * Runs Keycloak code with the given form as the current request (see {@link FormRequest}); an error it throws as
     * a JAX-RS exception comes back as its response.
     */
    private Response withForm(Map<String, String> form, java.util.function.Supplier<Response> call) {
        HttpRequest original = session.getContext().getHttpRequest();
        session.getContext().setHttpRequest(new FormRequest(original, form));
        try {
            return call.get();
        } catch (WebApplicationException e) {
            return e.getResponse();
        } finally {
            session.getContext().setHttpRequest(original);
        }
    }

    /**
     * Runs our copy of the password grant behind what the token endpoint does first (HTTPS rule, realm enabled,
     * client authentication, bearer-only refusal), with the given form as the request.
     */
    private Response grantCall(Map<String, String> form, EventBuilder event,
                               java.util.function.Function<OAuth2GrantType.Context, Response> grant) {
        return withForm(form, () -> {
            Cors cors = Cors.builder().auth().allowedMethods("POST");
            if (!"https".equals(session.getContext().getUri().getBaseUri().getScheme())
                && realm.getSslRequired().isRequired(session.getContext().getConnection())) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, "HTTPS required");
            }
            if (!realm.isEnabled()) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, "Realm not enabled");
            }
            event.event(EventType.LOGIN).detail(Details.GRANT_TYPE, OAuth2Constants.PASSWORD);
            AuthorizeClientUtil.ClientAuthResult clientAuth = AuthorizeClientUtil.authorizeClient(session, event, cors);
            ClientModel client = clientAuth.getClient();
            if (client.isBearerOnly()) {
                throw new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "This project may not log users in: bearer-only");
            }
            OAuth2GrantType.Context context = new OAuth2GrantType.Context(session,
                OIDCAdvancedConfigWrapper.fromClientModel(client), clientAuth.getClientAuthAttributes(),
                session.getContext().getHttpRequest().getDecodedFormParameters(), event, cors, new TokenManager());
            return grant.apply(context);
        });
    }

    /**
     * Whether Keycloak refused a refresh because another refresh of the same session holds its lock (with "Revoke
     * refresh token" on; a node that died mid-refresh leaves the lock for up to a minute). Keycloak throws a plain
     * RuntimeException for it (AbstractRefreshTokenProvider), so its text is all there is to recognise.
     */
    private static boolean refreshLocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("serialization lock for token refresh")) {
                return true;
            }
        }
        return false;
    }

    private static AccessTokenResponse tokensOf(Response response) {
        Object entity = response.getEntity();
        if (response.getStatus() == 200 && entity instanceof AccessTokenResponse tokens) {
            return tokens;
        }
        throw grantError(response.getStatus(), entity);
    }

    private static AuthError grantError(int status, Object entity) {
        String error = null;
        String description = null;
        if (entity instanceof OAuth2ErrorRepresentation rep) {
            error = rep.getError();
            description = rep.getErrorDescription();
        } else if (entity instanceof Map<?, ?> map) {
            error = map.get("error") == null ? null : map.get("error").toString();
            description = map.get("error_description") == null ? null : map.get("error_description").toString();
        }
        if (OAuthErrorException.INVALID_CLIENT.equals(error) || OAuthErrorException.UNAUTHORIZED_CLIENT.equals(error)
            || OAuthErrorException.UNAUTHORIZED_CLIENT.equals(description)) {
            return new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "This project may not log users in: "
                + (description == null ? error : description));
        }
        if (description == null) {
            return AuthError.invalidCredentials();
        }
        return switch (description) {
            case "Invalid user credentials" -> AuthError.invalidCredentials();
            case "Account disabled" -> new AuthError(AuthError.Kind.ACCOUNT_DISABLED, "Account disabled");
            case "Account is not fully set up" ->
                new AuthError(AuthError.Kind.ACCOUNT_NOT_READY, "Account is not fully set up");
            case PasswordGrant.EMAIL_NOT_VERIFIED ->
                new AuthError(AuthError.Kind.EMAIL_NOT_VERIFIED, "Please verify your email address before logging in.");
            default -> {
                if (OAuthErrorException.INVALID_GRANT.equals(error) && status == 400) {
                    // An authenticator's own message (e.g. a hook's): shown as it is.
                    yield new AuthError(AuthError.Kind.DENIED, description);
                }
                if (OAuthErrorException.INVALID_REQUEST.equals(error)) {
                    yield new AuthError(AuthError.Kind.VALIDATION, description);
                }
                yield new AuthError(AuthError.Kind.DENIED, description);
            }
        };
    }

    // --- messages

    /** A Keycloak message key with parameters, in English, as the login theme words it. */
    String message(String key, Object... params) {
        return new PasswordService(session).message(key, params);
    }
}
