package io.tableauth.rest.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.tableauth.storage.FreshUsers;
import org.keycloak.authentication.actiontoken.verifyemail.VerifyEmailActionToken;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * E-mail verification over REST (Mavibase's {@code verify-email} and {@code resend-verification}): when the realm
 * wants verified e-mail (*Verify email* on its Login tab), a sign-up is mailed a link to
 * {@code GET /realms/{realm}/api/v1/platform/auth/verify-email?token=}, whose single-use, expiring action token marks
 * the address verified. Logins before that follow the realm's rule (Keycloak asks for the verification).
 */
public final class EmailVerification {

    /** The action token's type: not Keycloak's own verify-email token. */
    public static final String TOKEN_TYPE = "tableauth-verify-email";
    private static final String INVALID = "Invalid or expired verification token";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionMail mail;

    public EmailVerification(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.mail = new ActionMail(session);
    }

    /** Mails the link to a new user when the realm verifies e-mail and the address is not verified yet. */
    public void afterSignup(UserModel user) {
        if (realm.isVerifyEmail() && user.getEmail() != null && !user.isEmailVerified()) {
            send(user, user.getEmail());
        }
    }

    /** Mails the link to a changed address: it stays unverified until the link there is clicked. */
    public void afterEmailChange(UserModel user) {
        if (user.getEmail() != null && !user.isEmailVerified()) {
            send(user, user.getEmail());
        }
    }

    /** Mails the link again to the unverified user with this e-mail, if any: the caller cannot tell. */
    public void resend(String email) {
        new RateLimits(session).check(email);
        long started = System.nanoTime();
        if (email == null || email.isBlank()) {
            throw AuthError.validation("email", "The e-mail is required.");
        }
        Availability.require(session, realm, null, "E-mail verification");
        UserModel user = FreshUsers.byEmail(session, realm, email.trim());
        Availability.require(session, realm, null, "E-mail verification");
        if (user == null || !user.isEnabled() || user.isEmailVerified() || !realm.isVerifyEmail()) {
            mail.issue(null, email.trim(), TOKEN_TYPE, lifespan()); // the same work as a real one
            event().detail(Details.EMAIL, email.trim()).error(user == null ? Errors.USER_NOT_FOUND
                : user.isEmailVerified() ? Errors.EMAIL_ALREADY_VERIFIED : Errors.INVALID_REQUEST);
            mail.evenOut(TOKEN_TYPE, false, started);
            return;
        }
        send(user, email.trim());
        mail.evenOut(TOKEN_TYPE, true, started);
    }

    /** Marks the token's user's e-mail verified; the token is then used up. */
    public UserModel verify(String token) {
        new RateLimits(session).check();
        ActionMail.Checked checked = mail.check(token, TOKEN_TYPE, INVALID);
        mail.useUp(checked, INVALID);
        UserModel user = checked.user();
        user.setEmailVerified(true);
        user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        mail.event(EventType.VERIFY_EMAIL).user(user).detail(Details.EMAIL, user.getEmail()).success();
        return user;
    }

    private void send(UserModel user, String email) {
        int lifespan = lifespan();
        String token = mail.issue(user, email, TOKEN_TYPE, lifespan);
        String link = session.getContext().getUri().getBaseUriBuilder().path("realms").path(realm.getName())
            .path("api/v1/platform/auth/verify-email").build() + "?token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8);
        long minutes = ActionMail.minutes(lifespan);
        event().user(user).detail(Details.EMAIL, email).success();
        mail.sendAfterAnswer(user, "e-mail verification", m -> m.sendVerifyEmail(link, minutes));
    }

    private int lifespan() {
        return realm.getActionTokenGeneratedByUserLifespan(VerifyEmailActionToken.TOKEN_TYPE);
    }

    private EventBuilder event() {
        return mail.event(EventType.SEND_VERIFY_EMAIL);
    }
}
