package io.tableauth.authenticator;

import java.util.Map;
import java.util.Set;

import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.HmacOTP;
import org.keycloak.utils.CredentialHelper;
import org.keycloak.utils.TotpUtils;

/**
 * TOTP enrollment and removal for a user, on Keycloak's OTP credential type and the realm's OTP policy, so a code
 * set up here works in every Keycloak flow (browser login, direct grant) and one set up in the account console
 * works here. The secret waiting for its first code is kept in Keycloak's single-use store (visible to every
 * cluster node, gone after 10 minutes), never in this JVM.
 */
public final class TotpEnrollment {

    /** How long a started setup or disable waits for its confirming code. */
    public static final int PENDING_SECONDS = 600;
    /** Label of credentials created through the REST API (shown in the account and admin consoles). */
    public static final String LABEL = "tableauth";

    private static final String SETUP_KEY = "tableauth-totp-setup:";
    private static final String DISABLE_KEY = "tableauth-totp-disable:";

    private final KeycloakSession session;
    private final RealmModel realm;

    public TotpEnrollment(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** A started setup: the secret in Base32 (as authenticator apps take it), its otpauth URI and QR image. */
    public record Setup(String secretBase32, String otpauthUri, String qrPngBase64) {
    }

    public boolean enrolled(UserModel user) {
        return user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE);
    }

    /** Starts a setup: a new secret that becomes the user's OTP credential once {@link #confirm} sees a code. */
    public Setup start(UserModel user) {
        String secret = HmacOTP.generateSecret(20);
        session.singleUseObjects().remove(SETUP_KEY + user.getId());
        session.singleUseObjects().put(SETUP_KEY + user.getId(), PENDING_SECONDS, Map.of("secret", secret));
        return new Setup(Base32.encode(secret.getBytes()), realm.getOTPPolicy().getKeyURI(realm, user, secret),
            TotpUtils.qrCode(secret, realm, user));
    }

    /**
     * Outcome of a confirming code. A wrong code counts as a failed login for Keycloak's brute-force detection (OTP
     * category) and against the user's one budget of wrong codes ({@link WrongCodes}); the wrong code that uses the
     * budget up ends the started setup or removal, and none is checked until the budget frees (USED_UP).
     */
    public enum Result { DONE, NOTHING_PENDING, WRONG_CODE, USED_UP }

    /** Turns a started setup on when the code matches its secret under the realm's OTP policy. */
    public Result confirm(UserModel user, String code) {
        String key = SETUP_KEY + user.getId();
        Map<String, String> pending = session.singleUseObjects().get(key);
        if (pending == null || pending.get("secret") == null) {
            return Result.NOTHING_PENDING;
        }
        if (new WrongCodes(session).usedUp(user)) {
            session.singleUseObjects().remove(key);
            return Result.USED_UP;
        }
        OTPCredentialModel credential = OTPCredentialModel.createFromPolicy(realm, pending.get("secret"), LABEL);
        // Keycloak's own validation of a new TOTP (the account console's path): policy window and algorithm.
        if (lockedOut(user) || code == null || !org.keycloak.models.utils.CredentialValidation.validOTP(code.trim(),
            credential, realm.getOTPPolicy().getLookAheadWindow())) {
            return wrongCode(user, key);
        }
        if (session.singleUseObjects().remove(SETUP_KEY + user.getId()) == null) {
            return Result.NOTHING_PENDING; // another request confirmed it first
        }
        // As Keycloak's own "Configure OTP" action: stores the credential and uses the code up.
        CredentialHelper.createOTPCredential(session, realm, user, code.trim(), credential);
        new WrongCodes(session).clear(user);
        return Result.DONE;
    }

    /** Starts a removal, which {@link #confirmDisable} completes with a current code. */
    public boolean startDisable(UserModel user) {
        if (!enrolled(user)) {
            return false;
        }
        session.singleUseObjects().remove(DISABLE_KEY + user.getId());
        session.singleUseObjects().put(DISABLE_KEY + user.getId(), PENDING_SECONDS, Map.of("requested", "true"));
        return true;
    }

    /** Removes the user's OTP credentials when a removal was started and the code is valid (and unused). */
    public Result confirmDisable(UserModel user, String code) {
        String key = DISABLE_KEY + user.getId();
        Map<String, String> pending = session.singleUseObjects().get(key);
        if (pending == null) {
            return Result.NOTHING_PENDING;
        }
        CredentialModel current = user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
            .findFirst().orElse(null);
        if (current == null) {
            return Result.NOTHING_PENDING;
        }
        if (new WrongCodes(session).usedUp(user)) {
            session.singleUseObjects().remove(key);
            return Result.USED_UP;
        }
        boolean valid = !lockedOut(user) && code != null && user.credentialManager()
            .isValid(new UserCredentialModel(current.getId(), OTPCredentialModel.TYPE, code.trim()));
        if (!valid) {
            return wrongCode(user, key);
        }
        session.singleUseObjects().remove(key);
        new WrongCodes(session).clear(user);
        user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).toList()
            .forEach(c -> user.credentialManager().removeStoredCredentialById(c.getId()));
        return Result.DONE;
    }

    /** A user locked by brute-force detection gets no code checked at all: every code is wrong until the lock ends. */
    private boolean lockedOut(UserModel user) {
        return KeycloakInternals.lockedOut(session, realm, user);
    }

    /** Counts a wrong code: a failed login for brute-force detection, and one of the user's wrong codes. */
    private Result wrongCode(UserModel user, String key) {
        if (realm.isBruteForceProtected()) {
            KeycloakInternals.failedLogin(session, realm, user, Set.of(OTPCredentialModel.TYPE));
        }
        if (new WrongCodes(session).spend(user)) {
            session.singleUseObjects().remove(key);
            return Result.USED_UP;
        }
        return Result.WRONG_CODE;
    }
}
