package io.tableauth.rest.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.keycloak.PasswordGrant;
import io.tableauth.keycloak.RecordingEvents;
import io.tableauth.keycloak.TokenGrants;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The login of a user who proved who they are without a password (a mailed link, a mailed code): Keycloak's
 * direct-grant flow for that user with its username and password steps counted as done, so everything after them
 * applies as to a password login: a disabled user and a brute-force lock are refused, a user with TOTP gets the
 * second step ({@code requires2FA} and a temporary token), the login hook and required actions run, and the tokens and
 * session are Keycloak's.
 */
public final class PasswordlessLogin {

    private final KeycloakSession session;
    private final RealmModel realm;

    public PasswordlessLogin(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** Whether brute-force detection holds the user locked (temporarily or for good). */
    boolean locked(UserModel user) {
        return KeycloakInternals.lockedOut(session, realm, user);
    }

    /**
     * Logs the user in for the project; {@code how} names what they proved ({@code magic-link}, {@code email-otp},
     * {@code passkey}), in the login event. {@code bothFactors}: it stands for the one-time code too (a passkey that
     * verified the user). A user of another auth config than the project's is refused as unknown.
     */
    Login login(Project project, UserModel user, String how, boolean bothFactors) {
        if (locked(user) || (project.authConfig() != null
            && !project.authConfigId().equals(user.getFederationLink()))) {
            throw AuthError.invalidCredentials();
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put(OAuth2Constants.CLIENT_ID, project.client().getClientId());
        PasswordGrant.Step step = PasswordGrant.Step.proven(user, how);
        if (bothFactors) {
            step.bothFactors();
        }
        LoginService logins = new LoginService(session);
        RecordingEvents event = logins.event();
        TokenGrants.Result result = TokenGrants.password(session, event, form, step);
        if (step.waitingForCode() != null) {
            return new Login(null, user, new TempTokens(session).issue(project, step.waitingForCode()));
        }
        return logins.finishLogin(project, result, event, step, null, null, 0);
    }
}
