package io.tableauth.rest.apikey;

import java.util.List;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.authenticator.Hooks;
import org.jboss.logging.Logger;
import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.Urls;

/**
 * Access tokens exchanged for an API key. They are confined to what the key carries: their type is
 * {@value #TOKEN_TYPE}, not {@code Bearer}, so Keycloak's own APIs (account, admin, userinfo), which take Bearer tokens
 * only, refuse them; they carry no roles of the owner but the key's scopes that are realm roles; and tableauth's own
 * endpoints accept them only where reading is enough, checking on every call that the key is still usable.
 */
public final class ApiKeyTokens {

    /** The {@code typ} claim of an API-key token. */
    public static final String TOKEN_TYPE = "API-Key";

    private static final Logger LOG = Logger.getLogger(ApiKeyTokens.class);

    private ApiKeyTokens() {
    }

    /** Whether a verified token was exchanged for an API key (also tokens issued before their type changed). */
    public static boolean isApiKeyToken(AccessToken token) {
        return token != null && (TOKEN_TYPE.equals(token.getType())
            || token.getOtherClaims().containsKey(ApiKeyGrantType.KEY_ID_CLAIM));
    }

    /**
     * Verifies an API-key token as Keycloak verifies a Bearer token (signature with the realm's keys, issuer, expiry,
     * the user's not-before) and then what only tableauth knows: its key is still usable and its owner may still log
     * in (enabled, and the login hook allows). No user session stands behind such a token.
     *
     * @return the token's user and client, or null when the token is not a valid API-key token of this realm
     */
    public static BearerAuth verify(KeycloakSession session, String encoded) {
        RealmModel realm = session.getContext().getRealm();
        try {
            TokenVerifier<AccessToken> verifier = TokenVerifier.create(encoded, AccessToken.class)
                .withDefaultChecks()
                .realmUrl(Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()))
                .checkActive(true)
                .tokenType(List.of(TOKEN_TYPE));
            SignatureProvider signature = session.getProvider(SignatureProvider.class,
                verifier.getHeader().getAlgorithm().name());
            if (signature == null) {
                return null;
            }
            verifier.verifierContext(signature.verifier(verifier.getHeader().getKeyId()));
            AccessToken token = verifier.verify().getToken();
            Object keyId = token.getOtherClaims().get(ApiKeyGrantType.KEY_ID_CLAIM);
            ClientModel client = realm.getClientByClientId(token.getIssuedFor());
            if (keyId == null || client == null || !client.isEnabled()) {
                return null;
            }
            UserModel user = session.users().getUserById(realm, token.getSubject());
            if (!TokenManager.isUserValid(session, realm, token, user)
                || !new ApiKeyService(session).usable(keyId.toString()) || !Hooks.loginWithoutPassword(session, realm, user).allowed()) {
                return null;
            }
            return new BearerAuth(user, null, token, client);
        } catch (VerificationException | RuntimeException e) {
            LOG.debugf("tableauth: API-key token refused: %s", e.getMessage());
            return null;
        }
    }
}
