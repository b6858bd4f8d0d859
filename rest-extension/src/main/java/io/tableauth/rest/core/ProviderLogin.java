package io.tableauth.rest.core;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.ws.rs.core.UriBuilder;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.constants.AdapterConstants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.utils.PkceUtils;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.resources.RealmsResource;

/**
 * Login through one of the realm's identity providers for a REST client (Directus's {@code /auth/oauth}): the
 * browser is sent to Keycloak's own authorization endpoint with {@code kc_idp_hint}, so the realm's browser and
 * first-broker-login flows run as for any Keycloak login; the code comes back to our callback, which redeems it for
 * the project's client with PKCE. What the callback needs (redirect target, PKCE verifier, state) travels in a
 * signed, short-lived cookie, so any node can finish a login another node started.
 */
public final class ProviderLogin {

    /** The cookie holding {@link State} between the start and the callback. */
    public static final String STATE_COOKIE = "tableauth_oauth_state";

    private static final String STATE_TYPE = "tableauth-oauth-state";

    /** What the callback needs to finish a login; signed with the realm's internal key. */
    public static class State extends JsonWebToken {

        @JsonProperty("prv")
        String provider;
        @JsonProperty("rdr")
        String redirect;
        @JsonProperty("mod")
        String mode;
        @JsonProperty("stt")
        String state;
        @JsonProperty("cvr")
        String verifier;

        public State() {
            // for JSON
        }

        public String redirect() {
            return redirect;
        }

        public String mode() {
            return mode;
        }
    }

    /** Where to send the browser, and the state cookie's value to set on that answer. */
    public record Start(URI location, String stateCookie, int cookieSeconds) {
    }

    /** A finished login and what the start asked for it. */
    public record Finish(Login login, State state) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public ProviderLogin(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** Aliases of the realm's identity providers a user can log in with (enabled, not link-only). */
    public List<String> providers() {
        return session.identityProviders().getAllStream()
            .filter(ProviderLogin::usable)
            .map(IdentityProviderModel::getAlias)
            .sorted()
            .toList();
    }

    private static boolean usable(IdentityProviderModel idp) {
        return idp.isEnabled() && !Boolean.TRUE.equals(idp.isLinkOnly());
    }

    /**
     * Starts a login at {@code provider} for the project's client. {@code redirect}, when given, must be one of the
     * client's valid redirect URIs (Keycloak's own matching rules, wildcards included).
     */
    public Start start(Project project, String provider, String redirect, String mode) {
        IdentityProviderModel idp = provider == null ? null : session.identityProviders().getByAlias(provider);
        if (idp == null || !usable(idp)) {
            throw new AuthError(AuthError.Kind.NOT_FOUND, "Identity provider \"" + provider + "\" doesn't exist.");
        }
        ClientModel client = project.client();
        String callback = callbackUri(provider);
        if (!client.isStandardFlowEnabled()) {
            throw new AuthError(AuthError.Kind.MISCONFIGURED, "The realm's default client has Standard flow off: "
                + "identity provider logins need it on.");
        }
        if (KeycloakInternals.verifiedRedirectUri(session, callback, client) == null) {
            throw new AuthError(AuthError.Kind.MISCONFIGURED, "Add " + callbackPattern()
                + " to the Valid redirect URIs of the realm's default client to allow identity provider logins.");
        }
        String target = null;
        if (redirect != null && !redirect.isBlank()) {
            if (redirect.trim().length() > InputLimits.MAX_URL_LENGTH) {
                throw AuthError.validation("redirect", "The redirect URL is longer than " + InputLimits.MAX_URL_LENGTH
                    + " characters.");
            }
            target = KeycloakInternals.verifiedRedirectUri(session, redirect.trim(), client);
            if (target == null) {
                throw AuthError.validation("redirect",
                    "URL \"" + redirect.trim() + "\" can't be used to redirect after login");
            }
        }
        int lifespan = Math.max(60, realm.getAccessCodeLifespanLogin());
        State state = new State();
        state.type(STATE_TYPE);
        state.issuedNow();
        state.exp((long) Time.currentTime() + lifespan);
        state.audience(realm.getName());
        state.provider = provider;
        state.redirect = target;
        state.mode = mode;
        state.state = SecretGenerator.getInstance().randomString(32);
        state.verifier = PkceUtils.generateCodeVerifier();
        URI location = OIDCLoginProtocolService.authUrl(session.getContext().getUri().getBaseUriBuilder())
            .queryParam(OAuth2Constants.CLIENT_ID, client.getClientId())
            .queryParam(OAuth2Constants.RESPONSE_TYPE, OAuth2Constants.CODE)
            .queryParam(OAuth2Constants.REDIRECT_URI, callback)
            .queryParam(OAuth2Constants.SCOPE, OAuth2Constants.SCOPE_OPENID)
            .queryParam(OAuth2Constants.STATE, state.state)
            .queryParam(OAuth2Constants.CODE_CHALLENGE, PkceUtils.generateS256CodeChallenge(state.verifier))
            .queryParam(OAuth2Constants.CODE_CHALLENGE_METHOD, OAuth2Constants.PKCE_METHOD_S256)
            .queryParam(AdapterConstants.KC_IDP_HINT, provider)
            .build(realm.getName());
        return new Start(location, session.tokens().encode(state), lifespan);
    }

    /**
     * The state a callback carries in its cookie, when it is ours, unexpired, for this realm and provider and matches
     * the {@code state} parameter; INVALID_TOKEN otherwise (a forged or replayed callback, or one from another
     * browser).
     */
    public State state(String provider, String cookie, String stateParam) {
        new RateLimits(session).check(); // counted before the cookie's signature is checked, as the exchange is
        State state = cookie == null ? null : session.tokens().decode(cookie, State.class);
        if (state == null || !STATE_TYPE.equals(state.getType()) || !state.isActive()
            || !state.hasAudience(realm.getName()) || !java.util.Objects.equals(provider, state.provider)
            || stateParam == null || !MessageDigest.isEqual(stateParam.getBytes(StandardCharsets.UTF_8),
                state.state.getBytes(StandardCharsets.UTF_8))) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "The login could not be finished: it was not started "
                + "in this browser, or it took too long.");
        }
        return state;
    }

    /** Redeems the code the callback received for the project's tokens. */
    public Login finish(Project project, State state, String code) {
        if (code == null || code.isBlank()) {
            throw new AuthError(AuthError.Kind.INVALID_CREDENTIALS, "The identity provider login did not succeed.");
        }
        return new LoginService(session).exchangeCode(project, code, callbackUri(state.provider), state.verifier);
    }

    private String callbackUri(String provider) {
        return realmBase().path("auth").path("oauth").path(provider).path("callback").build(realm.getName())
            .toString();
    }

    private String callbackPattern() {
        return realmBase().path("auth").path("oauth").build(realm.getName()) + "/*";
    }

    private UriBuilder realmBase() {
        return RealmsResource.realmBaseUrl(session.getContext().getUri());
    }
}
