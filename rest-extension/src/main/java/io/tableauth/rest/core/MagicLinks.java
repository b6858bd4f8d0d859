package io.tableauth.rest.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.tableauth.storage.FreshUsers;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Magic-link login ({@code auth/magic-link}, {@code auth/magic-link/verify}): a mail with a link to one of the realm's
 * allowed pages carrying a signed Keycloak action token of our own type, bound to the user and the address it went
 * to, expiring with the realm's action-token lifespan, redeemable once on every node; redeemed, it logs the user in
 * through Keycloak's direct-grant flow ({@link PasswordlessLogin}). A request answers the same, as fast, whether the
 * e-mail is known or not.
 */
public final class MagicLinks {

    /** The action token's type ({@code typ}): taken for no other token, and no other token for it. */
    public static final String TOKEN_TYPE = "tableauth-magic-link";
    /** What the login event says the user proved. */
    public static final String METHOD = "magic-link";
    private static final String INVALID = "Invalid or expired login link";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionMail mail;

    public MagicLinks(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.mail = new ActionMail(session);
    }

    /**
     * Mails a login link to the user with this e-mail, if there is one who may log in; does nothing otherwise, which
     * the caller cannot tell apart. {@code redirectUrl}: the page the link leads to ({@code token} is added); it must
     * be on the realm's allow list. Null: the list's first entry.
     */
    public void request(String email, String redirectUrl) {
        new RateLimits(session).check(email);
        long started = System.nanoTime();
        String page = ActionMail.page(TableauthSettings.of(session).magicLinkUrls(), redirectUrl, "redirectUrl",
            "No magic link URL is set: add one under Realm settings, tableauth-settings, Magic link URLs",
            "The redirect URL");
        if (email == null || email.isBlank()) {
            throw AuthError.validation("email", "The e-mail is required.");
        }
        Availability.require(session, realm, null, "Magic link");
        UserModel user = FreshUsers.byEmail(session, realm, email.trim());
        Availability.require(session, realm, null, "Magic link");
        int lifespan = realm.getActionTokenGeneratedByUserLifespan(TOKEN_TYPE);
        String token = mail.issue(user, email.trim(), TOKEN_TYPE, lifespan); // signed for unknown e-mails too
        EventBuilder event = mail.event(EventType.EXECUTE_ACTIONS).detail(Details.EMAIL, email.trim())
            .detail(Details.ACTION, TOKEN_TYPE);
        if (user == null || !user.isEnabled() || user.getEmail() == null) {
            event.error(user == null ? Errors.USER_NOT_FOUND : Errors.USER_DISABLED);
            mail.evenOut(TOKEN_TYPE, false, started);
            return;
        }
        event.user(user).success();
        String link = page + (page.contains("?") ? "&" : "?") + "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        long minutes = ActionMail.minutes(lifespan);
        mail.sendAfterAnswer(user, "magic link", m -> m.send("tableauthMagicLinkSubject", "tableauth-magic-link.ftl",
            new HashMap<>(Map.of("link", link, "linkExpiration", minutes))));
        mail.evenOut(TOKEN_TYPE, true, started);
    }

    /**
     * Logs in the token's user: the token must be valid, unexpired, unused and still match the user's address. It
     * proves the address, so an unverified one becomes verified. A user with TOTP gets the second step.
     */
    public Login verify(Project project, String token) {
        new RateLimits(session).check();
        ActionMail.Checked checked = mail.check(token, TOKEN_TYPE, INVALID);
        mail.useUp(checked, INVALID);
        markVerified(checked.user());
        return new PasswordlessLogin(session).login(project, checked.user(), METHOD, false);
    }

    /** The mail reached the address: it is verified (where the user's storage can record that). */
    static void markVerified(UserModel user) {
        if (user.isEmailVerified()) {
            return;
        }
        try {
            user.setEmailVerified(true);
            user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        } catch (ModelException e) {
            // a read-only auth config: the realm's own rule (Verify email) then decides, as for a password login
        }
    }
}
