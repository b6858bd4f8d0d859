package io.tableauth.keycloak;

import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;

/**
 * What a refused grant means to an API caller, decided by the login event's {@link Errors} code (and, where Keycloak
 * refuses before any event error, by the OAuth error code and HTTP status), never by Keycloak's English text.
 */
public enum GrantOutcome {
    /** Tokens were issued. */
    SUCCESS,
    /** Unknown user, wrong password or code, a locked or service account: one answer for all of them. */
    INVALID_CREDENTIALS,
    /** The user is disabled (not by a lockout). Callers say so only to whoever knows the password. */
    ACCOUNT_DISABLED,
    /** A required action is pending (other than e-mail verification). */
    REQUIRED_ACTIONS,
    /** The only pending required action is e-mail verification. */
    EMAIL_NOT_VERIFIED,
    /** The client may not use this grant: unknown, disabled, failed authentication, no direct grants, consent. */
    CLIENT_REFUSED,
    /** Refused before any user was looked at: HTTPS required, realm disabled. */
    FORBIDDEN,
    /** The request is malformed (a client policy or parameter rule); the description says how. */
    INVALID_REQUEST,
    /** An authenticator, a client policy or a token rule refused; its description is meant for the user. */
    DENIED;

    /**
     * @param eventError        the login event's error code, or null when Keycloak refused before raising one
     * @param oauthError        the OAuth error of the answer ({@code invalid_client}...), or null
     * @param status            the HTTP status of the answer
     * @param disabledNotLocked for {@link Errors#USER_DISABLED}: the user is disabled, not locked out by brute force
     * @param emailNotVerified  for {@link Errors#RESOLVE_REQUIRED_ACTIONS}: the pending action is e-mail verification
     */
    public static GrantOutcome of(String eventError, String oauthError, int status, boolean disabledNotLocked,
                                  boolean emailNotVerified) {
        if (eventError == null) {
            if (OAuthErrorException.INVALID_CLIENT.equals(oauthError)
                || OAuthErrorException.UNAUTHORIZED_CLIENT.equals(oauthError)) {
                return CLIENT_REFUSED;
            }
            return status == 403 ? FORBIDDEN : INVALID_CREDENTIALS;
        }
        return switch (eventError) {
            case Errors.CLIENT_NOT_FOUND, Errors.CLIENT_DISABLED, Errors.INVALID_CLIENT,
                 Errors.INVALID_CLIENT_CREDENTIALS, Errors.NOT_ALLOWED, Errors.CONSENT_DENIED,
                 Errors.UNAUTHORIZED_CLIENT -> CLIENT_REFUSED;
            case Errors.USER_NOT_FOUND, Errors.INVALID_USER, Errors.INVALID_USER_CREDENTIALS,
                 Errors.USER_TEMPORARILY_DISABLED -> INVALID_CREDENTIALS;
            case Errors.USER_DISABLED -> disabledNotLocked ? ACCOUNT_DISABLED : INVALID_CREDENTIALS;
            case Errors.RESOLVE_REQUIRED_ACTIONS -> emailNotVerified ? EMAIL_NOT_VERIFIED : REQUIRED_ACTIONS;
            case Errors.INVALID_REQUEST -> INVALID_REQUEST;
            default -> DENIED;
        };
    }
}
