package io.tableauth.rest.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.keycloak.PasswordGrant;
import io.tableauth.keycloak.RecordingEvents;
import io.tableauth.keycloak.RecoveryCodes;
import io.tableauth.keycloak.TokenGrants;
import io.tableauth.storage.AuthConfigScope;
import io.tableauth.storage.FreshUsers;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.util.TokenUtil;

/**
 * Logging in and out on Keycloak's own machinery: a password (one step, or two with a one-time code), a refresh
 * token, an authorization code, logout. Every grant runs through Keycloak's token endpoint ({@link TokenGrants}), so a
 * REST login is held to exactly the rules of {@code /protocol/openid-connect/token}: client authentication, the
 * direct-grant flow with every authenticator, brute-force detection, required actions, events, client policies, DPoP.
 */
public final class LoginService {

    private static final Logger LOG = Logger.getLogger(LoginService.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public LoginService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    // --- password

    /** Logs in through Keycloak's password grant; throws {@link AuthError} with the reason otherwise. */
    public Login login(Project project, String credential, String password, String otp) {
        return login(project, credential, password, otp, false);
    }

    /**
     * Logs in; with {@code twoStep}, a user with TOTP who sent no code gets a temporary token instead of an error
     * (Mavibase's {@code requires2FA}), and the Keycloak authentication session waits for the code.
     */
    public Login login(Project project, String credential, String password, String otp, boolean twoStep) {
        new RateLimits(session).check(credential);
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
        form.put(OAuth2Constants.CLIENT_ID, project.client().getClientId());
        form.put(OAuth2Constants.USERNAME, credential.trim());
        form.put(OAuth2Constants.PASSWORD, password);
        UserModel named = FreshUsers.byNameOrEmail(session, realm, credential.trim()); // a held copy: checked
        if (named == null) {
            // no one found, and a table that could hold the name is out of reach: 503, whoever the name is
            Availability.require(session, realm, project.authConfig(), "Login");
        }
        new RateLimits(session).checkUser(named == null ? null : named.getId());
        PasswordGrant.Step step = PasswordGrant.Step.first(twoStep);
        if (RecoveryCodes.isRecoveryCode(otp)) {
            step.withRecoveryCode(otp); // used up where the flow asks for the one-time code
        } else if (otp != null && !otp.isBlank()) {
            form.put("otp", otp.trim()); // read by Keycloak's direct-grant OTP authenticator
        }
        RecordingEvents event = event();
        long started = System.nanoTime();
        TokenGrants.Result result = TokenGrants.password(session, event, form, step);
        long took = System.nanoTime() - started;
        if (step.waitingForCode() != null) {
            return new Login(null, step.waitingForCode().getAuthenticatedUser(),
                new TempTokens(session).issue(project, step.waitingForCode()));
        }
        return finishLogin(project, result, event, step, otp, password, took);
    }

    Login finishLogin(Project project, TokenGrants.Result result, RecordingEvents event, PasswordGrant.Step step,
                              String otp, String password, long grantNanos) {
        if (!result.ok()) {
            AuthError e = AuthError.ofGrant(result);
            if (step.codeRejected()) {
                throw otp == null || otp.isBlank()
                    ? new AuthError(AuthError.Kind.OTP_REQUIRED, "A one-time code is required")
                    : new AuthError(AuthError.Kind.INVALID_OTP, RecoveryCodes.isRecoveryCode(otp)
                        ? "Invalid or already used recovery code" : "Invalid one-time code");
            }
            if (e.kind() == AuthError.Kind.ACCOUNT_DISABLED && password != null && !passwordRight(event, password)) {
                // Keycloak before 26.6 refuses a disabled user before it checks the password: "disabled" is said
                // only to whoever knows the password, on every release, so it tells nobody else the account exists
                throw AuthError.invalidCredentials();
            }
            if (e.kind() == AuthError.Kind.INVALID_CREDENTIALS) {
                if (password != null) {
                    new FailureCost(session).equalize(project, event, password, grantNanos);
                }
                // No user, or not this password: a table that could hold the user was out of reach, so "invalid
                // credentials" might be wrong. Decided by the tables' state alone, whoever the user is.
                Availability.require(session, realm, project.authConfig(), "Login");
            }
            throw e;
        }
        AccessTokenResponse tokens = result.tokens();
        UserModel user = session.users().getUserById(realm, event.userId());
        if (user == null || (project.authConfig() != null
            && !project.authConfigId().equals(user.getFederationLink()))) {
            // Only possible when a Keycloak user shadows the config's table: not a user of this config.
            endSession(tokens.getSessionState());
            throw AuthError.invalidCredentials();
        }
        return new Login(TokenSet.of(tokens), user, null,
            step.recoveryCodesLeft() < 0 ? null : step.recoveryCodesLeft());
    }

    /** The password is the refused user's own (checked against their credential, whatever their state). */
    private boolean passwordRight(RecordingEvents event, String password) {
        String userId = event.userId();
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        return user != null && user.credentialManager().isValid(UserCredentialModel.password(password));
    }

    /**
     * The second step of a two-step login: the temporary token (single use, on any node) and the code finish the
     * Keycloak authentication session the first step left waiting. A wrong code uses the token up. Instead of the
     * code, one of the user's recovery codes ({@code recoveryCode}); it is used up, and a wrong one counts as a
     * failed login, as a wrong code does.
     */
    public Login completeSecondFactor(String tempToken, String code, String recoveryCode) {
        new RateLimits(session).check();
        if (tempToken == null || tempToken.isBlank()) {
            throw AuthError.validation("tempToken", "The tempToken is required.");
        }
        boolean recovery = recoveryCode != null && !recoveryCode.isBlank();
        if ((code == null || code.isBlank()) && !recovery) {
            throw AuthError.validation("code", "The code (or a recoveryCode) is required.");
        }
        TempTokens.Waiting waiting = new TempTokens(session).redeem(tempToken);
        UserModel user = waiting.user();
        if (KeycloakInternals.lockedOut(session, realm, user)) {
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, waiting.authSession(), false);
            throw AuthError.invalidCredentials();
        }
        if (waiting.config() != null) {
            AuthConfigScope.set(session, waiting.config().getId());
        }
        session.getContext().setAuthenticationSession(waiting.authSession());
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.CLIENT_ID, waiting.client().getClientId());
        PasswordGrant.Step step = PasswordGrant.Step.resume(waiting.authSession());
        if (recovery) {
            step.withRecoveryCode(recoveryCode);
        } else {
            form.put("otp", code.trim());
        }
        RecordingEvents event = event();
        TokenGrants.Result result = TokenGrants.password(session, event, form, step);
        return finishLogin(new Project(waiting.client(), waiting.config()), result, event, step,
            recovery ? recoveryCode : code, null, 0);
    }

    // --- refresh

    /** Rotates a refresh token at Keycloak's token endpoint (the realm's reuse rules apply). */
    public Login refresh(Project project, String refreshToken) {
        new RateLimits(session).check();
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
        new RateLimits(session).check();
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
        RecordingEvents event = event();
        TokenGrants.Result result;
        try {
            result = TokenGrants.run(session, event, form);
        } catch (RuntimeException e) {
            Availability.rethrowIfUnavailable(e);
            if (TokenGrants.refreshLocked(e)) {
                session.getTransactionManager().setRollbackOnly();
                throw new AuthError(AuthError.Kind.UNAVAILABLE, "This session is being refreshed by another request: "
                    + "try again in a moment");
            }
            throw e;
        }
        if (!result.ok()) {
            AuthError e = AuthError.ofGrant(result);
            if (e.kind() != AuthError.Kind.UNKNOWN_PROJECT) {
                LOG.debugf("tableauth: %s refused: %s", form.get(OAuth2Constants.GRANT_TYPE), result.error());
                throw new AuthError(AuthError.Kind.INVALID_TOKEN, refusal);
            }
            throw e;
        }
        UserModel user = session.users().getUserById(realm, event.userId());
        return new Login(TokenSet.of(result.tokens()), user);
    }

    // --- logout

    /** Ends the Keycloak session of a refresh token (preferred) or an access token. */
    public void logout(Project project, String refreshToken, String accessToken) {
        EventBuilder event = event().event(EventType.LOGOUT);
        UserSessionModel userSession;
        if (refreshToken != null && !refreshToken.isBlank()) {
            userSession = sessionOfRefreshToken(project.client(), refreshToken.trim());
        } else if (accessToken != null && !accessToken.isBlank()) {
            BearerAuth auth = new CallerService(session).bearer(accessToken);
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

    RecordingEvents event() {
        return Events.of(session);
    }
}
