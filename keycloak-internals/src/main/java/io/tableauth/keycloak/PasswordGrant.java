package io.tableauth.keycloak;

import java.util.Collections;
import java.util.Set;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.utils.AuthenticationFlowResolver;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.authenticators.directgrant.ValidateOTP;
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
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
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
 * one addition: when the only thing missing is the one-time code (the password step passed and the flow stopped at
 * the direct-grant OTP step), the authentication session is kept so that a second request can finish the same flow
 * with the code ({@link #resume}); and a pending Verify email required action is named as such
 * ({@link #EMAIL_NOT_VERIFIED}) instead of "Account is not fully set up". Everything else (authenticators, brute force, required actions, client policies,
 * events, token issuance) is Keycloak's. Not registered as a provider; re-check against Keycloak's grant on upgrades. The request's client-policy event
 * is built by {@link KeycloakInternals#passwordRequest}, whose constructor changed in 26.6.
 */
public final class PasswordGrant extends OAuth2GrantTypeBase {

    /** The error description of a login refused only because the e-mail is not verified yet. */
    public static final String EMAIL_NOT_VERIFIED = "Email not verified";

    /** Set when {@link #process} stopped for a one-time code; the authentication session was kept. */
    private AuthenticationSessionModel waitingForCode;
    /** Set when the flow failed at the one-time-code step after the password had passed. */
    private boolean codeRejected;
    private final boolean keepForCode;

    /** @param keepForCode keep the authentication session when only the code is missing (two-step logins) */
    public PasswordGrant(boolean keepForCode) {
        this.keepForCode = keepForCode;
    }

    public AuthenticationSessionModel waitingForCode() {
        return waitingForCode;
    }

    public boolean codeRejected() {
        return codeRejected;
    }

    @Override
    public Response process(Context context) {
        setContext(context);
        event.detail(Details.AUTH_METHOD, "oauth_credentials");
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
        return authenticate(authSession, true);
    }

    /** Finishes a flow kept by {@link #process}: the code comes in this request's form as {@code otp}. */
    public Response resume(Context context, AuthenticationSessionModel authSession) {
        setContext(context);
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
        Response challenge = processor.authenticateOnly();
        if (challenge != null) {
            boolean atCodeStep = stoppedAtCodeStep(authSession);
            if (firstStep && keepForCode && atCodeStep && formParams.getFirst("otp") == null) {
                waitingForCode = authSession;
                return challenge;
            }
            codeRejected = atCodeStep;
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, false);
            cors.add();
            return challenge;
        }
        processor.evaluateRequiredActionTriggers();
        UserModel user = authSession.getAuthenticatedUser();
        if (user.getRequiredActionsStream().count() > 0 || authSession.getRequiredActions().size() > 0) {
            new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, false);
            String verify = UserModel.RequiredAction.VERIFY_EMAIL.name();
            String errorMessage = user.getRequiredActionsStream().anyMatch(verify::equals)
                || authSession.getRequiredActions().contains(verify) ? EMAIL_NOT_VERIFIED : "Account is not fully set up";
            event.detail(Details.REASON, errorMessage);
            event.error(Errors.RESOLVE_REQUIRED_ACTIONS);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT, errorMessage,
                Response.Status.BAD_REQUEST);
        }
        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = processor.attachSession();
        clientSessionCtx.setAttribute(Constants.GRANT_TYPE, context.getGrantType());
        clientSessionCtx.setAttribute(OAuth2Constants.RESOURCE, formParams.getFirst(OAuth2Constants.RESOURCE));
        UserSessionModel userSession = processor.getUserSession();
        updateUserSessionFromClientAuth(userSession);
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

    /** The flow stopped at Keycloak's direct-grant OTP step after the password passed. */
    private boolean stoppedAtCodeStep(AuthenticationSessionModel authSession) {
        String executionId = authSession.getAuthNote(AuthenticationProcessor.CURRENT_AUTHENTICATION_EXECUTION);
        AuthenticationExecutionModel execution = executionId == null ? null
            : realm.getAuthenticationExecutionById(executionId);
        return execution != null && ValidateOTP.PROVIDER_ID.equals(execution.getAuthenticator())
            && "true".equals(authSession.getAuthNote(AuthenticationManager.PASSWORD_VALIDATED))
            && authSession.getAuthenticatedUser() != null;
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
