package io.tableauth.rest.core;

import org.keycloak.representations.AccessTokenResponse;

/** Keycloak's tokens for one login or refresh; lifetimes in seconds. */
public record TokenSet(String accessToken, String refreshToken, long expiresIn, long refreshExpiresIn) {

    static TokenSet of(AccessTokenResponse r) {
        return new TokenSet(r.getToken(), r.getRefreshToken(), r.getExpiresIn(), r.getRefreshExpiresIn());
    }
}
