package io.tableauth.rest.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.storage.AuthConfigScope;
import org.keycloak.authentication.actiontoken.updateemail.UpdateEmailActionToken;
import org.keycloak.authentication.requiredactions.UpdateEmail;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.ValidationException;

/**
 * A user changing their own e-mail by proving they own the new address: the request (with the current password)
 * changes nothing and mails a link to the new address; the link, {@code GET /realms/{realm}/api/v1/platform/auth/
 * confirm-email-change?token=}, changes the e-mail, verified. The link's action token is single use, expires as
 * Keycloak's own update-email link does, and dies when the e-mail changed in between.
 */
public final class EmailChange {

    /** The action token's type: not Keycloak's own update-email token, which its login pages redeem. */
    public static final String TOKEN_TYPE = "tableauth-change-email";
    private static final String NEW_EMAIL = "new_email";
    private static final String INVALID = "Invalid or expired e-mail change link";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionMail mail;

    public EmailChange(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.mail = new ActionMail(session);
    }

    /**
     * Checks the password and the new address (the user profile's rules: format, not taken anywhere in the realm),
     * then mails the link to the new address. Nothing about the account changes.
     */
    public void request(BearerAuth caller, String newEmail, String password) {
        if (newEmail == null || newEmail.isBlank()) {
            throw AuthError.validation("newEmail", "The new e-mail is required.");
        }
        if (password == null || password.isEmpty()) {
            throw AuthError.validation("password", "The password is required.");
        }
        new AccountChanges(session).requireStepUp(caller, password);
        UserModel user = caller.user();
        String email = newEmail.trim();
        if (email.equalsIgnoreCase(user.getEmail())) {
            throw AuthError.validation("newEmail", "This is already your e-mail.");
        }
        validate(user, email);
        int lifespan = realm.getActionTokenGeneratedByUserLifespan(UpdateEmailActionToken.TOKEN_TYPE);
        String token = mail.issue(user, user.getEmail(), TOKEN_TYPE, lifespan, NEW_EMAIL, email);
        String link = session.getContext().getUri().getBaseUriBuilder().path("realms").path(realm.getName())
            .path("api/v1/platform/auth/confirm-email-change").build() + "?token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8);
        long minutes = ActionMail.minutes(lifespan);
        mail.event(EventType.SEND_VERIFY_EMAIL).user(user).detail(Details.EMAIL, email)
            .detail(Details.UPDATED_EMAIL, email).success();
        mail.sendAfterAnswer(user, "e-mail change", m -> m.sendEmailUpdateConfirmation(link, minutes, email));
    }

    /** Redeems the link: the e-mail becomes the new address, verified (the link was opened from it). */
    public UserModel confirm(String token) {
        new RateLimits(session).check();
        ActionMail.Checked checked = mail.check(token, TOKEN_TYPE, INVALID);
        String email = checked.token().getNote(NEW_EMAIL);
        if (email == null || email.isBlank()) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, INVALID);
        }
        mail.useUp(checked, INVALID);
        UserModel user = checked.user();
        UserProfile profile = validate(user, email); // taken since the request?
        EventBuilder event = mail.event(EventType.UPDATE_EMAIL).user(user);
        UpdateEmail.updateEmailNow(event, user, profile);
        user.setEmailVerified(true);
        user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        event.success();
        return user;
    }

    /** The new address through the user profile, across every auth config and Keycloak's own users. */
    private UserProfile validate(UserModel user, String email) {
        try {
            return AuthConfigScope.unscoped(session, () -> UpdateEmail.validateEmailUpdate(session, user, email));
        } catch (ValidationException e) {
            Events.of(session).event(EventType.UPDATE_EMAIL_ERROR).user(user).error(Errors.INVALID_INPUT);
            AuthError error = new SignupService(session).profileError(e);
            if (error.kind() == AuthError.Kind.VALIDATION && error.fields().containsKey("email")) {
                throw AuthError.validation("newEmail", error.fields().get("email"));
            }
            throw error;
        }
    }
}
