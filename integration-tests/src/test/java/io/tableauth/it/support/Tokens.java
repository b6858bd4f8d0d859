package io.tableauth.it.support;

import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/** Token calls and checks as a resource server makes them: signatures verified against the realm's JWKS. */
public final class Tokens {

    private Tokens() {
    }

    /**
     * The status of Keycloak's token endpoint refusing a password grant as invalid credentials (a wrong password, a
     * locked-out user, a missing one-time code): 400 invalid_grant from Keycloak 26.7 on (RFC 6749 section 5.2), 401
     * on 26.4 and 26.5. A disabled account is 400 on all of them.
     */
    public static int invalidCredentialsStatus() {
        String release = System.getProperty("tableauth.it.keycloak.version", "");
        return release.startsWith("26.4.") || release.startsWith("26.5.") ? 401 : 400;
    }

    /**
     * Whether Keycloak's own token endpoint tells anyone that an account is disabled, whatever the password: 26.4
     * and 26.5 refuse a disabled user before they check the password; from 26.6 on only the right password hears
     * it. tableauth's REST answers say it only to whoever knows the password, on every release.
     */
    public static boolean keycloakNamesADisabledAccountToAnyone() {
        String release = System.getProperty("tableauth.it.keycloak.version", "");
        return release.startsWith("26.4.") || release.startsWith("26.5.");
    }

    /** Keycloak's own direct-grant (password) call on the realm's token endpoint. */
    public static Http.Response passwordGrant(TestRealm realm, String clientId, String username, String password) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "password",
            "client_id", clientId,
            "username", username,
            "password", password,
            "scope", "openid"));
    }

    /** Keycloak's own refresh-token grant on the realm's token endpoint. */
    public static Http.Response refresh(TestRealm realm, String clientId, String refreshToken) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "refresh_token",
            "client_id", clientId,
            "refresh_token", refreshToken));
    }

    /**
     * Verifies an access token's RS256 signature with the keys the realm publishes at its JWKS endpoint, its
     * expiry and its issuer, and returns its claims. Throws when any check fails.
     */
    public static JWTClaimsSet verifyAccessToken(TestRealm realm, String token) {
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder
                .create(realm.uri("/protocol/openid-connect/certs").toURL())
                .retrying(false)
                .build();
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(realm.uri("").toString().replaceAll("/$", "")).build(),
                Set.of("sub", "exp", "iat")));
            return processor.process(token, null);
        } catch (MalformedURLException | ParseException | BadJOSEException | JOSEException e) {
            throw new AssertionError("Access token does not verify against the realm's JWKS: " + e.getMessage(), e);
        }
    }
}
