package io.tableauth.rest.core;

import java.util.List;
import java.util.Optional;

import io.tableauth.authenticator.TotpEnrollment;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.RecoveryCodes;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;

/**
 * A user's 2FA recovery codes over REST: made (again) by the user, who proves it is them first, and read back only
 * as counts. Using one is a login ({@link LoginService}): it takes the place of the one-time code.
 */
public final class RecoveryCodeService {

    private final KeycloakSession session;

    public RecoveryCodeService(KeycloakSession session) {
        this.session = session;
    }

    /**
     * New codes for the caller, replacing the old ones: only for a user with two-factor authentication on (the codes
     * stand in for its code), after a step-up ({@link AccountChanges#requireStepUp}).
     */
    public List<String> generate(BearerAuth caller, String password) {
        requireEnabled();
        UserModel user = caller.user();
        new AccountChanges(session).requireStepUp(caller, password);
        if (!new TotpEnrollment(session).enrolled(user)) {
            throw new AuthError(AuthError.Kind.VALIDATION,
                "Turn on two-factor authentication first: recovery codes stand in for its code.");
        }
        List<String> codes = new RecoveryCodes(session).generate(user);
        Events.of(session).event(EventType.UPDATE_CREDENTIAL).user(user)
            .detail(Details.CREDENTIAL_TYPE, RecoveryAuthnCodesCredentialModel.TYPE).success();
        new CredentialNotice(session).added(user, CredentialNotice.Kind.RECOVERY_CODES, null);
        return codes;
    }

    /** How many of the user's codes are left; empty when they have none. */
    public Optional<RecoveryCodes.Status> status(UserModel user) {
        return new RecoveryCodes(session).status(user);
    }

    /** The user's codes go with their second factor. */
    public void removeAll(UserModel user) {
        new RecoveryCodes(session).remove(user);
    }

    private static void requireEnabled() {
        if (!RecoveryCodes.enabled()) {
            throw new AuthError(AuthError.Kind.VALIDATION, "Recovery codes are switched off on this server.");
        }
    }
}
