package io.tableauth.rest.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.keycloak.common.util.SecretGenerator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import io.tableauth.authenticator.WrongCodes;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.storage.FreshUsers;

/**
 * Login by a code mailed to the user ({@code auth/email-otp}, {@code auth/email-otp/verify}): six digits, valid as
 * long as the realm's user-initiated action lifespan (5 minutes unless changed; its per-type override
 * {@code email-otp} applies), kept in Keycloak's single-use store (every node sees it) as a hash, one per user
 * (a new request replaces the last code, once the address's cooldown has passed). A wrong code is a failed login for
 * brute-force detection and one of the user's wrong codes ({@link WrongCodes}: a new code does not reset them); the
 * one that uses them up voids the code. A request answers the same, as fast, whether the e-mail is known.
 */
public final class EmailCodes {

    /** What the login event says the user proved. */
    public static final String METHOD = "email-otp";
    private static final String KEY = "tableauth-email-otp:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionMail mail;

    public EmailCodes(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.mail = new ActionMail(session);
    }

    /** Mails a new code to the user with this e-mail, if there is one who may log in; the caller cannot tell. */
    public void request(String email) {
        new RateLimits(session).check(email);
        long started = System.nanoTime();
        if (email == null || email.isBlank()) {
            throw AuthError.validation("email", "The e-mail is required.");
        }
        Availability.require(session, realm, null, "E-mail code");
        UserModel user = FreshUsers.byEmail(session, realm, email.trim());
        Availability.require(session, realm, null, "E-mail code");
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        String nonce = SecretGenerator.getInstance().randomString(16);
        EventBuilder event = mail.event(EventType.EXECUTE_ACTIONS).detail(Details.EMAIL, email.trim())
            .detail(Details.ACTION, METHOD);
        if (user == null || !user.isEnabled() || user.getEmail() == null) {
            hash(nonce, code); // the same work as for a real one
            event.error(user == null ? Errors.USER_NOT_FOUND : Errors.USER_DISABLED);
            mail.evenOut(METHOD, false, started);
            return;
        }
        if (!cooledDown(user)) {
            // the address had a code a moment ago: answered as usual (the caller cannot tell), nothing is mailed
            event.user(user).detail(Details.REASON, "cooldown").error(Errors.SLOW_DOWN);
            mail.evenOut(METHOD, true, started);
            return;
        }
        int lifespan = lifespan();
        session.singleUseObjects().put(key(user), lifespan,
            Map.of("hash", hash(nonce, code), "nonce", nonce, "email", user.getEmail()));
        event.user(user).success();
        long minutes = ActionMail.minutes(lifespan);
        mail.sendAfterAnswer(user, "e-mail code", m -> m.send("tableauthEmailCodeSubject", "tableauth-email-code.ftl",
            new HashMap<>(Map.of("code", code, "codeExpiration", minutes))));
        mail.evenOut(METHOD, true, started);
    }

    /**
     * Logs in the user with this e-mail when the code is theirs and live; the code then works no more. A wrong code
     * counts as a failed login; the {@value #MAX_WRONG}th voids the code. Every refusal answers alike.
     */
    public Login verify(Project project, String email, String code) {
        new RateLimits(session).check(email);
        if (email == null || email.isBlank()) {
            throw AuthError.validation("email", "The e-mail is required.");
        }
        if (code == null || code.isBlank()) {
            throw AuthError.validation("code", "The code is required.");
        }
        AuthError invalid = new AuthError(AuthError.Kind.INVALID_CREDENTIALS, "Invalid or expired code");
        long started = System.nanoTime();
        Availability.require(session, realm, null, "E-mail code");
        UserModel user = FreshUsers.byEmail(session, realm, email.trim());
        SingleUseObjectProvider store = session.singleUseObjects();
        Map<String, String> pending = user == null ? null : store.get(key(user));
        PasswordlessLogin logins = new PasswordlessLogin(session);
        if (pending == null || !pending.get("email").equalsIgnoreCase(user.getEmail()) || logins.locked(user)
            || new WrongCodes(session).usedUp(user)) {
            mail.evenOut(METHOD + "-verify", user != null, started); // an unknown address answers as fast
            throw invalid;
        }
        boolean right = MessageDigest.isEqual(hash(pending.get("nonce"), code.trim()).getBytes(StandardCharsets.UTF_8),
            pending.get("hash").getBytes(StandardCharsets.UTF_8));
        if (!right) {
            wrongCode(user);
            throw invalid;
        }
        Map<String, String> taken = store.remove(key(user));
        if (taken == null || !pending.get("nonce").equals(taken.get("nonce"))) {
            throw invalid; // used by a concurrent request, or replaced by a newer code
        }
        new WrongCodes(session).clear(user);
        MagicLinks.markVerified(user);
        return logins.login(project, user, METHOD, false);
    }

    /** Counts a wrong code: a failed login, and one of the user's wrong codes (on every node). */
    private void wrongCode(UserModel user) {
        Events.of(session).event(EventType.LOGIN_ERROR).user(user).detail(Details.CREDENTIAL_TYPE, METHOD)
            .detail(Details.REASON, "tableauth REST").error(Errors.INVALID_USER_CREDENTIALS);
        if (realm.isBruteForceProtected()) {
            // a first factor, counted as a wrong password is (Keycloak counts nothing without a category)
            KeycloakInternals.failedLogin(session, realm, user, Set.of(PasswordCredentialModel.TYPE));
        }
        if (new WrongCodes(session).spend(user)) {
            session.singleUseObjects().remove(key(user));
        }
    }

    /** Takes the user's cooldown when none is running (on every node): false while an earlier code's lasts. */
    private boolean cooledDown(UserModel user) {
        int cooldown = TableauthSettings.of(session).emailCodeCooldownSeconds();
        return cooldown <= 0 || session.singleUseObjects().putIfAbsent(KEY + "cooldown:" + key(user), cooldown);
    }

    private int lifespan() {
        return Math.max(1, realm.getActionTokenGeneratedByUserLifespan(METHOD));
    }

    private String key(UserModel user) {
        return KEY + realm.getId() + ":" + user.getId();
    }

    private static String hash(String nonce, String code) {
        return Digests.sha256Hex(nonce + ":" + code);
    }
}
