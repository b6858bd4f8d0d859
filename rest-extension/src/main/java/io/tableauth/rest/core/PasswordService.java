package io.tableauth.rest.core;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

import io.tableauth.keycloak.KeycloakInternals;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.theme.Theme;

/**
 * Passwords for every REST caller (sign-up, reset, account changes): the realm's policy with Keycloak's own wording,
 * the new password set through the user's storage (an auth config writes it into its table, in its hash format),
 * and the other sessions ended afterwards.
 */
public final class PasswordService {

    private static final Logger LOG = Logger.getLogger(PasswordService.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public PasswordService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** The realm's policy for an existing user; VALIDATION on {@code field}, worded as Keycloak's login pages. */
    public void checkPolicy(UserModel user, String password, String field) {
        refuse(session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password), field);
    }

    /** The realm's policy for a user not created yet, known by username. */
    public void checkPolicy(String username, String password, String field) {
        refuse(session.getProvider(PasswordPolicyManagerProvider.class).validate(username, password), field);
    }

    private void refuse(PolicyError policy, String field) {
        if (policy != null) {
            throw AuthError.validation(field, message(policy.getMessage(), policy.getParameters()));
        }
    }

    /** Checks the policy, then sets the password; a refusal of the storage (e.g. its history rule) is VALIDATION. */
    public void set(UserModel user, String password, String field) {
        if (password == null || password.isEmpty()) {
            throw AuthError.validation(field, "The " + field + " is required.");
        }
        checkPolicy(user, password, field);
        try {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        } catch (ModelException e) {
            session.getTransactionManager().setRollbackOnly();
            throw AuthError.validation(field, e.getMessage() == null ? "The password was refused."
                : message(e.getMessage(), e.getParameters()));
        }
        user.removeRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
    }

    /**
     * Ends the user's sessions, online and offline, except {@code keep} (the session that made the change, or null):
     * what a password change must do, so a thief's session does not outlive the old password.
     */
    public void endOtherSessions(UserModel user, UserSessionModel keep) {
        String kept = keep == null ? null : keep.getId();
        java.util.stream.Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                session.sessions().getOfflineUserSessionsStream(realm, user))
            .filter(s -> !Objects.equals(s.getId(), kept)).toList()
            .forEach(s -> KeycloakInternals.endSessionFromThisRequest(session, realm, s));
    }

    /** A Keycloak message key with parameters, in English, as the login theme words it. */
    public String message(String key, Object... params) {
        Properties messages = loginMessages();
        String pattern = messages.getProperty(key, key);
        Object[] clean = params == null ? new Object[0] : java.util.Arrays.stream(params)
            .map(p -> p == null ? "" : p.toString().replaceAll("^\\$\\{(.*)}$", "$1"))
            .map(p -> messages.getProperty(p, p))
            .toArray();
        try {
            return new MessageFormat(pattern, Locale.ENGLISH).format(clean);
        } catch (IllegalArgumentException e) {
            return pattern;
        }
    }

    private Properties loginMessages() {
        try {
            Theme theme = session.theme().getTheme(Theme.Type.LOGIN);
            return theme.getEnhancedMessages(realm, Locale.ENGLISH);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("tableauth: login theme messages unavailable: %s", e.getMessage());
            return new Properties();
        }
    }
}
