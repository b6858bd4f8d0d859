package io.tableauth.rest.apikey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.RateLimits;
import io.tableauth.rest.core.TableauthSettings;

/**
 * Token endpoint grant {@value ApiKeyGrantTypeFactory#GRANT_TYPE}: an API key ({@code api_key} form parameter, or the
 * {@code X-API-Key} header) for a short-lived access token of the key's owner that carries the key's scopes in
 * {@code scope} and the key's id in {@code api_key_id}, and nothing more of the owner's (see {@link ApiKeyTokens}). No refresh token and no stored session: the next token needs
 * the key again, so a revoked or rotated key gets none. The client authenticates as for any grant; a key made for a
 * project (client) is accepted only by that client.
 */
public class ApiKeyGrantType extends OAuth2GrantTypeBase {

    /** Claim with the key's id; the forward-auth endpoint checks the key is still valid when it sees it. */
    public static final String KEY_ID_CLAIM = "api_key_id";
    /** Claim with the owner's auth config (component id), absent for Keycloak's own users. */
    public static final String AUTH_CONFIG_CLAIM = "auth_config";
    public static final String KEY_PARAM = "api_key";
    public static final String KEY_HEADER = "X-API-Key";
    /** OAuth error (and event error) of a grant refused by a rate limit, with status 429 and Retry-After. */
    public static final String RATE_LIMITED = "too_many_requests";

    @Override
    public Response process(Context context) {
        setContext(context);
        try {
            new RateLimits(session).check(); // before the key is looked up
        } catch (AuthError limited) {
            event.error(RATE_LIMITED);
            OAuth2ErrorRepresentation body = new OAuth2ErrorRepresentation(RATE_LIMITED, limited.message());
            return cors.add(Response.status(429).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", limited.retryAfterSeconds()).entity(body));
        }
        String presented = formParams.getFirst(KEY_PARAM);
        if (presented == null) {
            presented = headers.getHeaderString(KEY_HEADER);
        }
        ApiKeyService keys = new ApiKeyService(session);
        ApiKeyService.Use use;
        try {
            use = keys.authenticateForLogin(presented == null ? null : presented.trim());
            if (use.key().getProjectId() == null || !use.key().getProjectId().equals(client.getClientId())) {
                throw new ApiKeyRefused("key belongs to another project", use.key());
            }
        } catch (ApiKeyRefused refused) {
            ApiKeyEvents.refused(event, refused);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT, "Invalid API key",
                Response.Status.BAD_REQUEST);
        }
        UserModel user = use.user();
        List<String> keyScopes = narrowedScopes(keys, use.scopes());
        event.user(user).detail(Details.USERNAME, user.getUsername()).detail(ApiKeyEvents.KEY_ID, use.key().getId())
            .detail(ApiKeyEvents.AUTH_METHOD, "api-key");

        // No ID token: a key is no login, and an ID token would carry the owner's profile and mapped claims.
        String requestedScope = getRequestedScopes();
        String scope = requestedScope == null ? null : Arrays.stream(requestedScope.trim().split("\\s+"))
            .filter(s -> !s.isEmpty() && !OAuth2Constants.SCOPE_OPENID.equals(s)).collect(Collectors.joining(" "));
        RootAuthenticationSessionModel rootAuthSession =
            new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
        AuthenticationSessionModel authSession = rootAuthSession.createAuthenticationSession(client);
        authSession.setAuthenticatedUser(user);
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        authSession.setClientNote(OIDCLoginProtocol.ISSUER,
            Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
        authSession.setClientNote(OIDCLoginProtocol.SCOPE_PARAM, scope);

        UserSessionModel userSession = new UserSessionManager(session).createUserSession(rootAuthSession.getId(), realm,
            user, user.getUsername(), clientConnection.getRemoteHost(), "api-key", false, null, null,
            UserSessionModel.SessionPersistenceState.TRANSIENT);
        event.session(userSession);
        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);
        updateUserSessionFromClientAuth(userSession);

        if (KeycloakInternals.tokenBuilderSplit()) {
            TokenManager.AccessTokenResponseBuilder response =
                createTokenResponseBuilder(user, userSession, clientSessionCtx, scope, null);
            shape(response.getAccessToken(), user, use, keyScopes);
            return createTokenResponse(response, clientSessionCtx, false);
        }
        // Keycloak 26.4 builds and sends the response in one call; its client-policy callback is the one moment
        // between the two. The callback hands the builder out (no client-policy event, as above), and the rest of
        // 26.4's createTokenResponse is done here: without a refresh token, since 26.4 has no useRefreshToken() hook.
        TokenManager.AccessTokenResponseBuilder response;
        try {
            createTokenResponse(user, userSession, clientSessionCtx, scope, false, builder -> {
                throw new BuilderHandedOut(builder);
            });
            throw new IllegalStateException("Keycloak did not hand the token out before building it");
        } catch (BuilderHandedOut out) {
            response = out.builder;
        }
        shape(response.getAccessToken(), user, use, keyScopes);
        AccessTokenResponse res = response.build();
        res.setRefreshToken(null);
        res.setRefreshExpiresIn(0);
        event.success();
        return cors.add(Response.ok(res).type(MediaType.APPLICATION_JSON_TYPE));
    }

    /** Carries Keycloak 26.4's response builder out of its client-policy callback. */
    private static final class BuilderHandedOut extends RuntimeException {
        final transient TokenManager.AccessTokenResponseBuilder builder;

        BuilderHandedOut(TokenManager.AccessTokenResponseBuilder builder) {
            super(null, null, false, false);
            this.builder = builder;
        }
    }

    /** The key's lifespan, scopes, confinement and claims on the access token, before it is signed. */
    private void shape(AccessToken token, UserModel user, ApiKeyService.Use use, List<String> keyScopes) {
        long lifespan = TableauthSettings.of(session).apiKeyTokenSeconds();
        // From the token's own issue time: a second that ticks between issuing and shaping must not lengthen it.
        long issued = token.getIat() != null ? token.getIat() : Time.currentTime();
        long exp = issued + lifespan;
        if (token.getExp() == null || token.getExp() > exp) {
            token.exp(exp);
        }
        List<String> scopes = new ArrayList<>();
        if (token.getScope() != null && !token.getScope().isBlank()) {
            scopes.addAll(Arrays.asList(token.getScope().split(" ")));
        }
        keyScopes.stream().filter(s -> !scopes.contains(s)).forEach(scopes::add);
        token.setScope(String.join(" ", scopes));
        confine(token, keyScopes);
        token.setOtherClaims(KEY_ID_CLAIM, use.key().getId());
        if (user.getFederationLink() != null) {
            token.setOtherClaims(AUTH_CONFIG_CLAIM, user.getFederationLink());
        }
    }

    /**
     * Confines the token to the key. It carries who (issuer, subject), for whom (the client alone as audience and
     * {@code azp}: no {@code account}), when (iat, exp, jti), its type {@value ApiKeyTokens#TOKEN_TYPE} (Keycloak's
     * account, admin and userinfo APIs take Bearer tokens only), its scopes, and as realm roles only the key's scopes
     * that are realm roles (the owner holds them: the key service checked); {@link #shape} adds the key id and the
     * auth config. Everything else the client's mappers put in (profile, attribute and group claims, the owner's
     * roles, session ids) is dropped: a resource server that authorises on such a claim must not give a key the
     * owner's authority.
     */
    private void confine(AccessToken token, List<String> keyScopes) {
        token.type(ApiKeyTokens.TOKEN_TYPE);
        Set<String> roles = new java.util.TreeSet<>();
        keyScopes.stream().filter(s -> realm.getRole(s) != null).forEach(roles::add);
        token.setRealmAccess(roles.isEmpty() ? null : new AccessToken.Access().roles(roles));
        token.setResourceAccess(null);
        token.audience(client.getClientId());
        token.getOtherClaims().clear();
        token.setAllowedOrigins(null);
        token.setAuthorization(null);
        token.setTrustedCertificates(null);
        token.setNonce(null);
        token.setAuth_time(null);
        token.setSessionId(null);
        token.setAccessTokenHash(null);
        token.setCodeHash(null);
        token.setStateHash(null);
        token.setAcr(null);
        token.setName(null);
        token.setGivenName(null);
        token.setFamilyName(null);
        token.setMiddleName(null);
        token.setNickName(null);
        token.setPreferredUsername(null);
        token.setProfile(null);
        token.setPicture(null);
        token.setWebsite(null);
        token.setEmail(null);
        token.setEmailVerified(null);
        token.setGender(null);
        token.setBirthdate(null);
        token.setZoneinfo(null);
        token.setLocale(null);
        token.setPhoneNumber(null);
        token.setPhoneNumberVerified(null);
        token.setAddress((org.keycloak.representations.AddressClaimSet) null);
        token.setUpdatedAt(null);
        token.setClaimsLocales(null);
    }

    /**
     * The key's scopes, or the part of them named in the request's {@code scope} (a token can ask for less than its
     * key carries, never more). Key scopes are taken out of {@code scope} before Keycloak checks the rest as client
     * scopes.
     */
    private List<String> narrowedScopes(ApiKeyService keys, List<String> keyScopes) {
        String requested = formParams.getFirst(OAuth2Constants.SCOPE);
        if (requested == null || requested.isBlank()) {
            return keyScopes;
        }
        List<String> available = keys.availableScopes();
        List<String> parts = Arrays.stream(requested.trim().split("\\s+")).toList();
        List<String> asked = parts.stream().filter(available::contains).distinct().toList();
        String clientScopes = String.join(" ", parts.stream().filter(p -> !available.contains(p)).toList());
        if (clientScopes.isEmpty()) {
            formParams.remove(OAuth2Constants.SCOPE);
        } else {
            formParams.putSingle(OAuth2Constants.SCOPE, clientScopes);
        }
        if (asked.isEmpty()) {
            return keyScopes;
        }
        for (String s : asked) {
            if (!keyScopes.contains(s)) {
                event.detail(Details.REASON, "scope not carried by the key: " + s);
                event.error(OAuthErrorException.INVALID_SCOPE);
                throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_SCOPE,
                    "The API key does not carry the scope " + s, Response.Status.BAD_REQUEST);
            }
        }
        return asked;
    }

    @Override
    protected boolean useRefreshToken() {
        return false;
    }

    @Override
    public EventType getEventType() {
        return EventType.TOKEN_EXCHANGE;
    }

    @Override
    public Set<String> getTokenParameterNames() {
        return Set.of(KEY_PARAM);
    }
}
