package io.tableauth.rest.core;

import org.keycloak.models.UserModel;

/**
 * A login that succeeded (Keycloak's tokens and the user they were issued to), or, for a two-step login of a user with
 * TOTP, the temporary token that {@link LoginService#completeSecondFactor} takes with the code (tokens null).
 * {@code recoveryCodesLeft} is set when the login used a 2FA recovery code: how many the user has left.
 */
public record Login(TokenSet tokens, UserModel user, String tempToken, Integer recoveryCodesLeft) {

    Login(TokenSet tokens, UserModel user) {
        this(tokens, user, null, null);
    }

    Login(TokenSet tokens, UserModel user, String tempToken) {
        this(tokens, user, tempToken, null);
    }

    public boolean secondFactorRequired() {
        return tempToken != null;
    }
}
