package io.tableauth.rest.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.tableauth.storage.FreshUsers;
import org.keycloak.authentication.actiontoken.resetcred.ResetCredentialsActionToken;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Password reset over REST (Mavibase's {@code password-reset/request|confirm}, Directus's {@code password/request|reset}):
 * a mail with a link carrying a signed, single-use, expiring Keycloak action token, and the new password set through
 * the user's storage (so an auth config writes it into its table, in the table's hash format), under the realm's
 * password policy, ending the user's sessions. A request answers the same whether the e-mail is known or not, and as
 * fast: the token is signed either way and the mail goes out after the answer.
 */
public final class PasswordReset {

    /** The action token's type ({@code typ}): not Keycloak's own reset token, so neither is taken for the other. */
    public static final String TOKEN_TYPE = "tableauth-password-reset";

    private static final String INVALID = "Invalid or expired reset token";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionMail mail;

    public PasswordReset(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.mail = new ActionMail(session);
    }

    /**
     * Mails a reset link to the user with this e-mail, if there is one who may log in; does nothing otherwise, which
     * the caller cannot tell apart. {@code resetUrl}: the page the link leads to (the token is added as
     * {@code token}); it must be on the realm's allow list. Null: the list's first entry.
     */
    public void request(String email, String resetUrl) {
        new RateLimits(session).check(email);
        long started = System.nanoTime();
        String page = ActionMail.page(TableauthSettings.of(session).passwordResetUrls(), resetUrl, "reset_url",
            "No password reset URL is set: add one under Realm settings, tableauth-settings, Password reset URLs",
            "The reset URL");
        if (email == null || email.isBlank()) {
            throw AuthError.validation("email", "The e-mail is required.");
        }
        // any table might hold the e-mail: the same 503 for every address while one is out of reach
        Availability.require(session, realm, null, "Password reset");
        UserModel user = FreshUsers.byEmail(session, realm, email.trim());
        Availability.require(session, realm, null, "Password reset");
        int lifespan = realm.getActionTokenGeneratedByUserLifespan(ResetCredentialsActionToken.TOKEN_TYPE);
        // signed for unknown e-mails too: both answers cost the same
        String token = mail.issue(user, email.trim(), TOKEN_TYPE, lifespan);
        EventBuilder event = mail.event(EventType.SEND_RESET_PASSWORD).detail(Details.EMAIL, email.trim());
        if (user == null || !user.isEnabled() || user.getEmail() == null) {
            event.error(user == null ? Errors.USER_NOT_FOUND : Errors.USER_DISABLED);
            mail.evenOut(TOKEN_TYPE, false, started);
            return;
        }
        event.user(user).success();
        String link = page + (page.contains("?") ? "&" : "?") + "token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8);
        long minutes = ActionMail.minutes(lifespan);
        mail.sendAfterAnswer(user, "password reset", m -> m.sendPasswordReset(link, minutes));
        mail.evenOut(TOKEN_TYPE, true, started);
    }

    /**
     * Sets the new password of the token's user: the token must be valid, unexpired and not used before; the
     * password must pass the realm's policy. Ends every session of the user.
     */
    public UserModel confirm(String token, String password) {
        new RateLimits(session).check();
        if (password == null || password.isEmpty()) {
            throw AuthError.validation("password", "The password is required.");
        }
        ActionMail.Checked checked = mail.check(token, TOKEN_TYPE, INVALID);
        UserModel user = checked.user();
        PasswordService passwords = new PasswordService(session);
        passwords.checkPolicy(user, password, "password"); // before the token is used up: another password may follow
        mail.useUp(checked, INVALID);
        EventBuilder event = mail.event(EventType.RESET_PASSWORD).user(user).detail(Details.EMAIL, user.getEmail());
        try {
            passwords.set(user, password, "password");
        } catch (AuthError e) {
            event.error(Errors.PASSWORD_REJECTED);
            throw e;
        }
        passwords.endOtherSessions(user, null);
        event.success();
        return user;
    }
}
