package io.tableauth.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;

/** A refused grant is read by its event's error code; the same code and facts always give the same outcome. */
class GrantOutcomeTest {

    private static GrantOutcome of(String eventError) {
        return GrantOutcome.of(eventError, OAuthErrorException.INVALID_GRANT, 400, false, false);
    }

    @Test
    void everyWayOfNotKnowingTheUserIsOneAnswer() {
        for (String error : new String[] {Errors.USER_NOT_FOUND, Errors.INVALID_USER, Errors.INVALID_USER_CREDENTIALS,
            Errors.USER_TEMPORARILY_DISABLED}) {
            assertEquals(GrantOutcome.INVALID_CREDENTIALS, of(error), error);
        }
    }

    @Test
    void disabledIsSaidOnlyForADisabledUserNotForAPermanentLockout() {
        assertEquals(GrantOutcome.ACCOUNT_DISABLED,
            GrantOutcome.of(Errors.USER_DISABLED, OAuthErrorException.INVALID_GRANT, 400, true, false));
        assertEquals(GrantOutcome.INVALID_CREDENTIALS,
            GrantOutcome.of(Errors.USER_DISABLED, OAuthErrorException.INVALID_GRANT, 400, false, false),
            "Keycloak names a permanent lockout USER_DISABLED too");
    }

    @Test
    void requiredActionsTellEmailVerificationApart() {
        assertEquals(GrantOutcome.REQUIRED_ACTIONS, of(Errors.RESOLVE_REQUIRED_ACTIONS));
        assertEquals(GrantOutcome.EMAIL_NOT_VERIFIED,
            GrantOutcome.of(Errors.RESOLVE_REQUIRED_ACTIONS, OAuthErrorException.INVALID_GRANT, 400, false, true));
        assertEquals(GrantOutcome.INVALID_CREDENTIALS,
            GrantOutcome.of(Errors.INVALID_USER_CREDENTIALS, OAuthErrorException.INVALID_GRANT, 400, false, true),
            "the e-mail flag alone decides nothing");
    }

    @Test
    void theClientsRefusalsAreTheProjects() {
        for (String error : new String[] {Errors.CLIENT_NOT_FOUND, Errors.CLIENT_DISABLED, Errors.INVALID_CLIENT,
            Errors.INVALID_CLIENT_CREDENTIALS, Errors.NOT_ALLOWED, Errors.CONSENT_DENIED}) {
            assertEquals(GrantOutcome.CLIENT_REFUSED, of(error), error);
        }
        assertEquals(GrantOutcome.CLIENT_REFUSED, GrantOutcome.of(null, OAuthErrorException.INVALID_CLIENT, 400,
            false, false), "bearer-only: refused before any event error");
    }

    @Test
    void refusalsBeforeAnyEventAreForbiddenOrInvalidCredentials() {
        assertEquals(GrantOutcome.FORBIDDEN, GrantOutcome.of(null, OAuthErrorException.INVALID_REQUEST, 403, false,
            false), "HTTPS required, realm disabled");
        assertEquals(GrantOutcome.INVALID_CREDENTIALS, GrantOutcome.of(null, OAuthErrorException.INVALID_REQUEST, 401,
            false, false), "two users with one e-mail: Keycloak's answer is the wrong-password one");
    }

    @Test
    void anAuthenticatorsOrPolicysOwnRefusalIsDenied() {
        assertEquals(GrantOutcome.DENIED, of(Errors.ACCESS_DENIED), "a login hook");
        assertEquals(GrantOutcome.DENIED, of(Errors.INVALID_DPOP_PROOF));
        assertEquals(GrantOutcome.INVALID_REQUEST, of(Errors.INVALID_REQUEST));
    }
}
