package io.tableauth.rest.core;

import java.util.Set;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.authentication.requiredactions.UpdateEmail;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.storage.StorageId;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.ValidationException;

/**
 * Changes to an account over REST: by its user, who proves it is them first (step-up), or by a caller with
 * manage-users. E-mail goes through Keycloak's user profile (its validators, edit rules and uniqueness across every
 * auth config and Keycloak's own users) and stays unverified until its mailed link is clicked; a password goes
 * through the realm's policy and ends the user's other sessions.
 */
public final class AccountChanges {

    private final KeycloakSession session;
    private final RealmModel realm;

    public AccountChanges(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * The user a caller may change: themself, or anyone of the project's auth config for a caller with manage-users
     * ({@link CallerService#canManageUsers}). {@code id} is Keycloak's user id or, in a project scoped to an auth
     * config, the row's own id. FORBIDDEN with {@code refusal} when the caller may not; null when there is no such user
     * in the project.
     */
    public UserModel userToChange(Project project, String id, BearerAuth caller, boolean manageUsers, String refusal) {
        if (id.startsWith("f:") && id.indexOf(':', 2) < 0) {
            return null; // Keycloak's StorageId would throw on it: no such user
        }
        String keycloakId = !id.startsWith("f:") && project.authConfig() != null
            ? StorageId.keycloakId(project.authConfig(), id) : id;
        boolean self = caller.user().getId().equals(keycloakId) || caller.user().getId().equals(id);
        if (!self && !manageUsers) {
            throw new AuthError(AuthError.Kind.FORBIDDEN, refusal);
        }
        UserModel user = session.users().getUserById(realm, keycloakId);
        if (user == null && !keycloakId.equals(id)) {
            user = session.users().getUserById(realm, id);
        }
        if (user == null || (project.authConfig() != null
            && !project.authConfigId().equals(user.getFederationLink()))) {
            return null;
        }
        return user;
    }

    /**
     * A user changing their own password or e-mail proves it is them: with their current password (a wrong one counts
     * as a failed login for brute-force detection), or with a login (a typed password) younger than the realm's
     * step-up age. An empty password is none. FORBIDDEN otherwise.
     */
    public void requireStepUp(BearerAuth caller, String currentPassword) {
        UserModel user = caller.user();
        if (currentPassword != null && !currentPassword.isEmpty()) {
            boolean locked = KeycloakInternals.lockedOut(session, realm, user);
            if (locked || !user.credentialManager().isValid(UserCredentialModel.password(currentPassword))) {
                if (!locked && realm.isBruteForceProtected()) {
                    KeycloakInternals.failedLogin(session, realm, user, Set.of(PasswordCredentialModel.TYPE));
                }
                Events.of(session).event(EventType.UPDATE_CREDENTIAL_ERROR).user(user)
                    .detail(Details.REASON, "current password not right").error(Errors.INVALID_USER_CREDENTIALS);
                throw new AuthError(AuthError.Kind.FORBIDDEN, "The current password is not right.");
            }
            return;
        }
        // When the password was typed: the token's auth_time, or the start of its session (a direct grant's tokens
        // carry no auth_time; a refresh keeps the session's start).
        AccessToken token = caller.token();
        Long authTime = token == null ? null : token.getAuth_time();
        if ((authTime == null || authTime == 0) && caller.session() != null) {
            authTime = (long) caller.session().getStarted();
        }
        long maxAge = TableauthSettings.of(session).stepUpMinutes() * 60L;
        if (authTime == null || authTime == 0 || Time.currentTime() - authTime >= maxAge) {
            throw new AuthError(AuthError.Kind.FORBIDDEN, "Confirm this change with your current password, or log in "
                + "again first.");
        }
    }

    /**
     * Changes the e-mail through the user profile (the user's own account rules, or an admin's) and marks it not
     * verified: where the realm verifies e-mail, a link goes to the new address and logins wait for it.
     */
    public void changeEmail(UserModel user, String email, boolean byAdmin) {
        EventBuilder event = Events.of(session).event(EventType.UPDATE_EMAIL).user(user);
        UserProfile profile;
        try {
            // Uniqueness is the realm's, not one table's: a request scoped to one auth config looks everywhere here.
            profile = io.tableauth.storage.AuthConfigScope.unscoped(session, () -> byAdmin ? adminProfile(user, email)
                : UpdateEmail.validateEmailUpdate(session, user, email));
        } catch (ValidationException e) {
            event.error(Errors.INVALID_INPUT);
            throw new SignupService(session).profileError(e);
        }
        if (email.trim().equalsIgnoreCase(user.getEmail())) {
            return;
        }
        UpdateEmail.updateEmailNow(event, user, profile);
        user.setEmailVerified(false);
        if (realm.isVerifyEmail()) {
            user.addRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        }
        event.success();
        new EmailVerification(session).afterEmailChange(user);
    }

    private UserProfile adminProfile(UserModel user, String email) {
        java.util.Map<String, java.util.List<String>> attributes = new java.util.HashMap<>(user.getAttributes());
        attributes.put(UserModel.EMAIL, java.util.List.of(email.trim()));
        UserProfile profile = session.getProvider(org.keycloak.userprofile.UserProfileProvider.class)
            .create(org.keycloak.userprofile.UserProfileContext.USER_API, attributes, user);
        profile.validate();
        return profile;
    }

    /**
     * Deletes the user: their row (the auth config must be writable) and everything Keycloak holds about them
     * (sessions, credentials, consents, API keys), in one transaction. FORBIDDEN, with nothing deleted, when the
     * user's storage refuses (a read-only auth config).
     */
    public void deleteAccount(UserModel user) {
        EventBuilder event = Events.of(session).event(EventType.DELETE_ACCOUNT).user(user);
        boolean removed;
        try {
            removed = session.users().removeUser(realm, user);
        } catch (ModelException e) {
            removed = false;
        }
        if (!removed) {
            session.getTransactionManager().setRollbackOnly();
            Events.of(session).event(EventType.DELETE_ACCOUNT_ERROR).user(user)
                .detail(Details.REASON, "read-only auth config").error(Errors.NOT_ALLOWED);
            throw new AuthError(AuthError.Kind.FORBIDDEN,
                "This user cannot be deleted here: the auth config is read-only.");
        }
        event.success();
    }

    /**
     * Sets a new password (policy, the user's storage) and ends every other session of the user, online and offline;
     * {@code keep} is the caller's own session, or null when an admin made the change.
     */
    public void changePassword(UserModel user, String password, org.keycloak.models.UserSessionModel keep) {
        EventBuilder event = Events.of(session).event(EventType.UPDATE_PASSWORD).user(user);
        PasswordService passwords = new PasswordService(session);
        try {
            passwords.set(user, password, "password");
        } catch (AuthError e) {
            event.error(Errors.PASSWORD_REJECTED);
            throw e;
        }
        passwords.endOtherSessions(user, keep);
        event.success();
    }
}
