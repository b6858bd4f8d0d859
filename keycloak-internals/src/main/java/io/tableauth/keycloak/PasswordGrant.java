package io.tableauth.keycloak;

import java.util.Collections;
import java.util.Set;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.utils.AuthenticationFlowResolver;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.authenticators.directgrant.ValidateOTP;
import org.keycloak.authentication.authenticators.directgrant.ValidatePassword;
import org.keycloak.authentication.authenticators.directgrant.ValidateUsername;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.protocol.oidc.utils.OAuth2Code;
import org.keycloak.protocol.oidc.utils.OAuth2CodeParser;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.Urls;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/**
 * Keycloak's password grant ({@code ResourceOwnerPasswordCredentialsGrantType.process}), line for line, with
 * two additions: when the only thing missing is the one-time code (the password step passed and the flow stopped at
 * the direct-grant OTP step), the authentication session is kept so that a second request can finish the same flow
 * with the code; and a pending Verify email required action is told apart from other required actions. Everything
 * else (authenticators, brute force, required actions, client policies, events, token issuance) is Keycloak's.
 *
 * <p>It is registered as an extension grant ({@link #GRANT_TYPE}) only so that it runs behind Keycloak's real
 * {@code TokenEndpoint} (HTTPS rule, client authentication, duplicated parameters, parameter sizes, DPoP): it serves
 * only a request of the REST API, which hands it a {@link Step} in the session ({@link TokenGrants#password}). Sent
 * to {@code /protocol/openid-connect/token} from outside, it answers {@code unsupported_grant_type}, like a grant
 * that does not exist. Re-check against Keycloak's grant on upgrades. The request's client-policy event is built by
 * {@link KeycloakInternals#passwordRequest}, whose constructor changed in 26.6.
 */
public final class PasswordGrant extends OAuth2GrantTypeBase {

    /** The extension grant's name; never accepted from outside (see the class comment). */
    public static final String GRANT_TYPE = "urn:tableauth:params:oauth:grant-type:rest-password";

    /** Auth note of a login whose user proved themselves without a password: what they proved. */
    static final String PROVEN_BY = "tableauth.proven-by";

    /** One login step of the REST API: what it asks of the grant, and what the grant found. */
    public static final class Step {

        static final String ATTRIBUTE = Step.class.getName();

        private final boolean keepForCode;
        private final AuthenticationSessionModel resume;
        private UserModel proven;
        private String provenBy;
        private boolean bothFactors;
        private AuthenticationSessionModel waitingForCode;
        private boolean codeRejected;
        private boolean emailNotVerified;
        private String recoveryCode;
        private int recoveryCodesLeft = -1;

        private Step(boolean keepForCode, AuthenticationSessionModel resume) {
            this.keepForCode = keepForCode;
            this.resume = resume;
        }

        /** A first step; with {@code keepForCode}, a user with a one-time code who sent none is kept waiting. */
        public static Step first(boolean keepForCode) {
            return new Step(keepForCode, null);
        }

        /**
         * A first step for a user who proved who they are without a password (a mailed link or code, a passkey):
         * the flow's username and password steps count as done for that user, and everything after them runs as in
         * a password login (one-time code, login hook, required actions; a user with a one-time code is kept
         * waiting for it). {@code credentialType} names what they proved, for the event.
         */
        public static Step proven(UserModel user, String credentialType) {
            Step step = new Step(true, null);
            step.proven = user;
            step.provenBy = credentialType;
            return step;
        }

        /**
         * For a {@link #proven} step: what the user proved counts for the one-time code too (a passkey that verified
         * the user), so the flow's direct-grant OTP step is done as well.
         */
        public Step bothFactors() {
            this.bothFactors = true;
            return this;
        }

        /** The second step: finishes the authentication session a first step kept, with the code in the form. */
        public static Step resume(AuthenticationSessionModel authSession) {
            return new Step(false, authSession);
        }

        /**
         * A 2FA recovery code ({@link RecoveryCodes}) stands in for the one-time code: where the flow asks for the
         * code, one of the user's recovery codes is used up instead.
         */
        public Step withRecoveryCode(String code) {
            this.recoveryCode = code;
            return this;
        }

        /** How many recovery codes the user has left after this step used one; -1 when it used none. */
        public int recoveryCodesLeft() {
            return recoveryCodesLeft;
        }

        /** Set when the first step stopped for a one-time code; the authentication session was kept. */
        public AuthenticationSessionModel waitingForCode() {
            return waitingForCode;
        }

        /** The flow failed at the one-time-code step after the password had passed. */
        public boolean codeRejected() {
            return codeRejected;
        }

        /** The login was refused only for a pending Verify email required action. */
        boolean emailNotVerified() {
            return emailNotVerified;
        }
    }

    /**
     * A first-party app's login at the authorization challenge endpoint: the same flow, ending in an authorization
     * code instead of tokens. The code is Keycloak's own ({@code OAuth2CodeParser}): single use, the realm's code
     * lifespan, bound to the client, to the PKCE challenge and, where the requests carried a DPoP proof, to that key,
     * and redeemed at Keycloak's token endpoint with the verifier (no {@code redirect_uri}: none was given). Set on
     * the session for the length of one request ({@link #set}).
     */
    public static final class CodeRequest {

        static final String ATTRIBUTE = CodeRequest.class.getName();

        private final String codeChallenge;
        private final String codeChallengeMethod;
        private final java.util.Map<String, String> form;
        private Integer authTime;
        private String code;
        private int level;
        private String userSessionId;

        /**
         * @param form what the grant's form gets besides the login's own fields: the client's authentication
         *             ({@code client_secret}, {@code client_assertion}...), {@code scope}, {@code resource}
         */
        public CodeRequest(String codeChallenge, String codeChallengeMethod, java.util.Map<String, String> form) {
            this.codeChallenge = codeChallenge;
            this.codeChallengeMethod = codeChallengeMethod;
            this.form = java.util.Map.copyOf(form);
        }

        /** Makes the logins of this request end in a code; {@code null} ends that. */
        public static void set(org.keycloak.models.KeycloakSession session, CodeRequest request) {
            if (request == null) {
                session.removeAttribute(ATTRIBUTE);
            } else {
                session.setAttribute(ATTRIBUTE, request);
            }
        }

        java.util.Map<String, String> form() {
            return form;
        }

        /**
         * When the user authenticated, in seconds, for a login that stands on an earlier one (a step-up that asks
         * for no new password): the tokens' {@code auth_time}. Unset, it is now.
         */
        public CodeRequest authenticatedAt(int seconds) {
            this.authTime = seconds;
            return this;
        }

        /** When the code's user authenticated, in seconds: the tokens' {@code auth_time}. */
        public int authTime() {
            return authTime;
        }

        /** The code a login of this request ended in, or null. */
        public String code() {
            return code;
        }

        /**
         * The level of authentication the code's login reached, as Keycloak counts levels (its {@code acr} claim
         * maps them through the realm's ACR to LoA mapping): 2 when a one-time code, a recovery code or a passkey that
         * verified the user stood for the second factor, 1 otherwise.
         */
        public int level() {
            return level;
        }

        /** The user session the code's login made. */
        public String userSessionId() {
            return userSessionId;
        }
    }

    private Step step;

    @Override
    public Response process(Context context) {
        setContext(context);
        step = session.getAttribute(Step.ATTRIBUTE, Step.class);
        if (step == null) {
            event.detail(Details.REASON, "tableauth REST grant sent from outside");
            event.error(Errors.INVALID_REQUEST);
            throw new CorsErrorResponseException(cors, OAuthErrorException.UNSUPPORTED_GRANT_TYPE,
                "Unsupported grant_type", Response.Status.BAD_REQUEST);
        }
        event.detail(Details.GRANT_TYPE, OAuth2Constants.PASSWORD);
        if (step.resume != null) {
            return resume(step.resume);
        }
        if (step.proven == null) {
            event.detail(Details.AUTH_METHOD, "oauth_credentials");
        }
        checkDirectGrantClient();
        try {
            session.clientPolicy().triggerOnEvent(KeycloakInternals.passwordRequest(context.getSession(), formParams));
        } catch (ClientPolicyException cpe) {
            throw policyError(cpe);
        }
        String scope = getRequestedScopes();
        RootAuthenticationSessionModel rootAuthSession = new AuthenticationSessionManager(session)
            .createAuthenticationSession(realm, false);
        AuthenticationSessionModel authSession = rootAuthSession.createAuthenticationSession(client);
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        authSession.setAction(AuthenticatedClientSessionModel.Action.AUTHENTICATE.name());
        authSession.setClientNote(OIDCLoginProtocol.ISSUER,
            Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
        authSession.setClientNote(OIDCLoginProtocol.SCOPE_PARAM, scope);
        if (step.proven != null) {
            event.detail(Details.AUTH_METHOD, step.provenBy).detail(Details.CREDENTIAL_TYPE, step.provenBy)
                .user(step.proven).detail(Details.USERNAME, step.proven.getUsername());
            authSession.setAuthenticatedUser(step.proven);
            authSession.setAuthNote(PROVEN_BY, step.provenBy);
            markIdentified(authSession, AuthenticationFlowResolver.resolveDirectGrantFlow(authSession).getId(), 0);
        }
        return authenticate(authSession, true);
    }

    /** Finishes a flow kept by a first step: the code comes in this request's form as {@code otp}. */
    private Response resume(AuthenticationSessionModel authSession) {
        event.detail(Details.AUTH_METHOD, "oauth_credentials");
        checkDirectGrantClient();
        return authenticate(authSession, false);
    }

    private void checkDirectGrantClient() {
        if (!client.isDirectAccessGrantsEnabled()) {
            String errorMessage = "Client not allowed for direct access grants";
            event.detail(Details.REASON, errorMessage);
            event.error(Errors.NOT_ALLOWED);
            throw new CorsErrorResponseException(cors, OAuthErrorException.UNAUTHORIZED_CLIENT, errorMessage,
                Response.Status.BAD_REQUEST);
        }
        if (client.isConsentRequired()) {
            String errorMessage = "Client requires user consent";
            event.detail(Details.REASON, errorMessage);
            event.error(Errors.CONSENT_DENIED);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_CLIENT, errorMessage,
                Response.Status.BAD_REQUEST);
        }
    }

    private Response authenticate(AuthenticationSessionModel authSession, boolean firstStep) {
        AuthenticationFlowModel flow = AuthenticationFlowResolver.resolveDirectGrantFlow(authSession);
        AuthenticationProcessor processor = new AuthenticationProcessor();
        processor.setAuthenticationSession(authSession)
            .setFlowId(flow.getId())
            .setFlowPath("token")
            .setConnection(clientConnection)
            .setEventBuilder(event)
            .setRealm(realm)
            .setSession(session)
            .setUriInfo(session.getContext().getUri())
            .setRequest(request);
        Response challenge;
        if (!firstStep && step.recoveryCode != null) {
            // the second step with a recovery code: used up (or refused) before the flow goes past the code step
            challenge = stoppedAtCodeStep(authSession) && redeemRecoveryCode(authSession, true)
                ? processor.authenticateOnly() : wrongCode();
        } else if (step.proven != null) {
            try {
                challenge = processor.authenticateOnly();
            } catch (AuthenticationFlowException e) {
                // the user was disabled (or is a service account): what ValidateUsername answers a password login
                event.error(e.getError() == AuthenticationFlowError.USER_DISABLED ? Errors.USER_DISABLED
                    : Errors.INVALID_USER);
                challenge = Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT,
                        e.getError() == AuthenticationFlowError.USER_DISABLED ? "Account disabled"
                            : "Invalid user credentials")).build();
            }
        } else {
            challenge = processor.authenticateOnly();
            if (challenge != null && step.recoveryCode != null && stoppedAtCodeStep(authSession)
                && redeemRecoveryCode(authSession, false)) {
                // one step: the flow stopped at the code step (the missing code counted, as in a two-step login's
                // first step); the recovery code was right, so the same flow goes on past it
                event.event(EventType.LOGIN);
                event.getEvent().setError(null);
                if (event instanceof RecordingEvents recording) {
                    recording.forgetError();
                }
                challenge = processor.authenticateOnly();
            }
        }
        if (challenge != null) {
            boolean atCodeStep = stoppedAtCodeStep(authSession);
            if (firstStep && step.keepForCode && atCodeStep && formParams.getFirst("otp") == null) {
                step.waitingForCode = authSession;
                return challenge;
            }
            step.codeRejected = atCodeStep;
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, false);
            cors.add();
            return challenge;
        }
        processor.evaluateRequiredActionTriggers();
        UserModel user = authSession.getAuthenticatedUser();
        if (user.getRequiredActionsStream().count() > 0 || authSession.getRequiredActions().size() > 0) {
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, false);
            String verify = UserModel.RequiredAction.VERIFY_EMAIL.name();
            step.emailNotVerified = user.getRequiredActionsStream().anyMatch(verify::equals)
                || authSession.getRequiredActions().contains(verify);
            String errorMessage = step.emailNotVerified ? "Email not verified" : "Account is not fully set up";
            event.detail(Details.REASON, errorMessage);
            event.error(Errors.RESOLVE_REQUIRED_ACTIONS);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT, errorMessage,
                Response.Status.BAD_REQUEST);
        }
        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = processor.attachSession();
        clientSessionCtx.setAttribute(Constants.GRANT_TYPE, OAuth2Constants.PASSWORD); // tokens say "password"
        clientSessionCtx.setAttribute(OAuth2Constants.RESOURCE, formParams.getFirst(OAuth2Constants.RESOURCE));
        UserSessionModel userSession = processor.getUserSession();
        updateUserSessionFromClientAuth(userSession);
        CodeRequest codeRequest = session.getAttribute(CodeRequest.ATTRIBUTE, CodeRequest.class);
        if (codeRequest != null) {
            codeRequest.level = levelOfAuthentication(authSession);
            codeRequest.userSessionId = userSession.getId();
            clientSessionCtx.getClientSession().setNote(Constants.LEVEL_OF_AUTHENTICATION,
                String.valueOf(codeRequest.level));
            if (codeRequest.authTime == null) {
                codeRequest.authTime = org.keycloak.common.util.Time.currentTime();
            }
            userSession.setNote(AuthenticationManager.AUTH_TIME, String.valueOf(codeRequest.authTime));
            codeRequest.code = persistCode(codeRequest, authSession, clientSessionCtx, userSession);
            event.detail(Details.RESPONSE_TYPE, OAuth2Constants.CODE).success();
            AuthenticationManager.logSuccess(session, authSession);
            return cors.add(Response.ok(new AccessTokenResponse(), MediaType.APPLICATION_JSON_TYPE));
        }
        TokenManager.AccessTokenResponseBuilder responseBuilder = tokenManager
            .responseBuilder(realm, client, event, session, userSession, clientSessionCtx).generateAccessToken();
        boolean useRefreshToken = clientConfig.isUseRefreshToken();
        if (useRefreshToken) {
            responseBuilder.generateRefreshToken();
            if (TokenUtil.TOKEN_TYPE_OFFLINE.equals(responseBuilder.getRefreshToken().getType())) {
                session.sessions().removeUserSession(realm, userSession);
            }
        }
        String scopeParam = clientSessionCtx.getClientSession().getNote(OAuth2Constants.SCOPE);
        if (TokenUtil.isOIDCRequest(scopeParam)) {
            responseBuilder.generateIDToken().generateAccessTokenHash();
        }
        checkAndBindMtlsHoKToken(responseBuilder, useRefreshToken);
        try {
            session.clientPolicy().triggerOnEvent(new ResourceOwnerPasswordCredentialsResponseContext(formParams,
                clientSessionCtx, responseBuilder));
        } catch (ClientPolicyException cpe) {
            throw policyError(cpe);
        }
        AccessTokenResponse res = responseBuilder.build();
        event.success();
        AuthenticationManager.logSuccess(session, authSession);
        return cors.add(Response.ok(res, MediaType.APPLICATION_JSON_TYPE));
    }

    /**
     * Keycloak's authorization code for the session the flow made, as its authorization endpoint writes one, built
     * from its stored form ({@code OAuth2Code.deserializeCode}), which every supported release reads alike (the
     * constructor differs between them).
     */
    private String persistCode(CodeRequest request, AuthenticationSessionModel authSession,
                               ClientSessionContext clientSessionCtx, UserSessionModel userSession) {
        java.util.Map<String, String> data = new java.util.HashMap<>();
        data.put(OAuth2Code.ID_NOTE, org.keycloak.common.util.SecretGenerator.getInstance().generateSecureID());
        data.put("client_uuid", client.getId());
        data.put(OAuth2Code.EXPIRATION_NOTE,
            String.valueOf(org.keycloak.common.util.Time.currentTime() + realm.getAccessCodeLifespan()));
        data.put("scope", authSession.getClientNote(OAuth2Constants.SCOPE));
        data.put("resource", formParams.getFirst(OAuth2Constants.RESOURCE));
        data.put("code_challenge", request.codeChallenge);
        data.put("code_challenge_method", request.codeChallengeMethod);
        // bound to the key of this request's DPoP proof, which Keycloak's token endpoint validated before the grant
        org.keycloak.representations.dpop.DPoP proof = session.getAttribute(
            org.keycloak.services.util.DPoPUtil.DPOP_SESSION_ATTRIBUTE, org.keycloak.representations.dpop.DPoP.class);
        data.put("dpop_jkt", proof == null ? null : proof.getThumbprint());
        data.put(OAuth2Code.USER_SESSION_ID_NOTE, userSession.getId());
        return OAuth2CodeParser.persistCode(session, clientSessionCtx.getClientSession(),
            OAuth2Code.deserializeCode(data));
    }

    /**
     * Uses up the step's recovery code for the user the flow is at and marks the code step done; false when it is
     * not one of their codes. {@code countFailure}: a wrong code is counted here as a failed second factor (when
     * the flow ran in this request, its code step counted it already).
     */
    private boolean redeemRecoveryCode(AuthenticationSessionModel authSession, boolean countFailure) {
        UserModel user = authSession.getAuthenticatedUser();
        int left = new RecoveryCodes(session).redeem(user, step.recoveryCode);
        if (left < 0) {
            if (countFailure) {
                event.user(user).detail(Details.CREDENTIAL_TYPE, RecoveryAuthnCodesCredentialModel.TYPE);
                event.error(Errors.INVALID_USER_CREDENTIALS);
                if (realm.isBruteForceProtected()) {
                    KeycloakInternals.failedLogin(session, realm, user, Set.of(OTPCredentialModel.TYPE));
                }
            }
            return false;
        }
        step.recoveryCodesLeft = left;
        event.detail(Details.CREDENTIAL_TYPE, RecoveryAuthnCodesCredentialModel.TYPE);
        authSession.setExecutionStatus(authSession.getAuthNote(AuthenticationProcessor.CURRENT_AUTHENTICATION_EXECUTION),
            AuthenticationSessionModel.ExecutionStatus.SUCCESS);
        return true;
    }

    /** What Keycloak's direct-grant OTP step answers a wrong code. */
    private static Response wrongCode() {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
            .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT, "Invalid user credentials")).build();
    }

    /**
     * 2 when the flow's one-time-code step is done (a code, a recovery code, or a passkey that verified the user
     * standing for it), 1 otherwise.
     */
    private int levelOfAuthentication(AuthenticationSessionModel authSession) {
        return authSession.getExecutionStatus().entrySet().stream()
            .filter(e -> e.getValue() == AuthenticationSessionModel.ExecutionStatus.SUCCESS)
            .map(e -> realm.getAuthenticationExecutionById(e.getKey()))
            .anyMatch(e -> e != null && ValidateOTP.PROVIDER_ID.equals(e.getAuthenticator())) ? 2 : 1;
    }

    /** The flow stopped at Keycloak's direct-grant OTP step after the password passed. */
    private boolean stoppedAtCodeStep(AuthenticationSessionModel authSession) {
        String executionId = authSession.getAuthNote(AuthenticationProcessor.CURRENT_AUTHENTICATION_EXECUTION);
        AuthenticationExecutionModel execution = executionId == null ? null
            : realm.getAuthenticationExecutionById(executionId);
        return execution != null && ValidateOTP.PROVIDER_ID.equals(execution.getAuthenticator())
            && ("true".equals(authSession.getAuthNote(AuthenticationManager.PASSWORD_VALIDATED))
                || authSession.getAuthNote(PROVEN_BY) != null)
            && authSession.getAuthenticatedUser() != null;
    }

    /**
     * Marks the flow's username and password steps (Keycloak's direct-grant ones, in sub-flows too) done, as a
     * password login that passed them leaves them: the flow skips them and runs the rest. With {@code bothFactors},
     * its one-time-code step too.
     */
    private void markIdentified(AuthenticationSessionModel authSession, String flowId, int depth) {
        if (depth > 10) {
            return;
        }
        realm.getAuthenticationExecutionsStream(flowId).forEach(e -> {
            if (e.isAuthenticatorFlow()) {
                markIdentified(authSession, e.getFlowId(), depth + 1);
            } else if (ValidateUsername.PROVIDER_ID.equals(e.getAuthenticator())
                || ValidatePassword.PROVIDER_ID.equals(e.getAuthenticator())
                || (step.bothFactors && ValidateOTP.PROVIDER_ID.equals(e.getAuthenticator()))) {
                authSession.setExecutionStatus(e.getId(), AuthenticationSessionModel.ExecutionStatus.SUCCESS);
            }
        });
    }

    private CorsErrorResponseException policyError(ClientPolicyException cpe) {
        event.detail(Details.REASON, Details.CLIENT_POLICY_ERROR);
        event.detail(Details.CLIENT_POLICY_ERROR, cpe.getError());
        event.detail(Details.CLIENT_POLICY_ERROR_DETAIL, cpe.getErrorDetail());
        event.error(cpe.getError());
        return new CorsErrorResponseException(cors, cpe.getError(), cpe.getErrorDetail(), cpe.getErrorStatus());
    }

    @Override
    public EventType getEventType() {
        return EventType.LOGIN;
    }

    @Override
    public Set<String> getTokenParameterNames() {
        return Collections.emptySet();
    }

    @Override
    public void close() {
    }
}
