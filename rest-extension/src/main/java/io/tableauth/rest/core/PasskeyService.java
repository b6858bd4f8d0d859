package io.tableauth.rest.core;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.Passkeys;
import io.tableauth.storage.FreshUsers;
import org.keycloak.common.util.Base64Url;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Passkeys over REST: registration by a logged-in user, their list and removal, and login with one. Challenges live
 * in Keycloak's single-use store (every node sees them; each is used once), {@value #CHALLENGE_SECONDS} seconds. The
 * ceremonies themselves are Keycloak's ({@link Passkeys}); a login then runs the realm's direct-grant flow for the
 * user ({@link PasswordlessLogin}), a passkey that verified the user standing for both factors.
 */
public final class PasskeyService {

    static final int CHALLENGE_SECONDS = 300;
    /** What the login event says the user proved. */
    public static final String METHOD = "passkey";
    private static final String REGISTRATION = "tableauth-passkey-registration:";
    private static final String LOGIN = "tableauth-passkey-login:";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A passkey as its owner sees it. */
    public record View(String id, String name, long createdAt) {
        static View of(CredentialModel c) {
            return new View(c.getId(), c.getUserLabel(), c.getCreatedDate() == null ? 0 : c.getCreatedDate());
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Passkeys passkeys;

    public PasskeyService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.passkeys = new Passkeys(session);
    }

    /** Where this realm's passkeys are bound: its settings, else the WebAuthn Passwordless Policy's. */
    Passkeys.Party party() {
        TableauthSettings settings = TableauthSettings.of(session);
        String rpId = settings.passkeyRpId() != null ? settings.passkeyRpId() : passkeys.defaultRpId();
        Set<String> origins = settings.passkeyOrigins().isEmpty() ? passkeys.defaultOrigins()
            : Set.copyOf(settings.passkeyOrigins());
        return new Passkeys.Party(rpId, origins);
    }

    /**
     * Creation options for the caller, after a step-up ({@link AccountChanges#requireStepUp}: adding a way in needs the
     * same proof as removing one); the challenge waits for {@link #register} (one pending per user).
     */
    public Map<String, Object> registrationOptions(BearerAuth caller, String password) {
        UserModel user = caller.user();
        new AccountChanges(session).requireStepUp(caller, password);
        String challenge = challenge();
        session.singleUseObjects().put(REGISTRATION + realm.getId() + ":" + user.getId(), CHALLENGE_SECONDS,
            Map.of("challenge", challenge));
        return passkeys.creationOptions(user, challenge, party());
    }

    /** Verifies and stores the caller's new passkey against their pending challenge, which it uses up. */
    public View register(BearerAuth caller, String registrationJson, String name) {
        UserModel user = caller.user();
        Map<String, String> pending = session.singleUseObjects()
            .remove(REGISTRATION + realm.getId() + ":" + user.getId());
        if (pending == null) {
            throw AuthError.validation("challenge", "No passkey registration is waiting: ask for options first.");
        }
        String label = name == null || name.isBlank() ? "Passkey" : name.trim();
        if (label.length() > 100) {
            throw AuthError.validation("name", "The name may have at most 100 characters.");
        }
        Set<String> taken = passkeys.of(user).stream().map(CredentialModel::getUserLabel)
            .collect(java.util.stream.Collectors.toSet());
        String base = label;
        for (int n = 2; taken.contains(label); n++) {
            label = base + " (" + n + ")"; // Keycloak wants each of a user's passkeys named apart
        }
        CredentialModel stored;
        try {
            stored = passkeys.register(user, registrationJson, pending.get("challenge"), party(), label);
        } catch (Passkeys.Refused e) {
            Events.of(session).event(EventType.UPDATE_CREDENTIAL_ERROR).user(user)
                .detail(Details.CREDENTIAL_TYPE, Passkeys.TYPE).detail(Details.REASON, e.getMessage())
                .error(Errors.INVALID_REGISTRATION);
            throw AuthError.validation("credential", "The passkey could not be verified.");
        } catch (org.keycloak.models.ModelDuplicateException e) {
            throw AuthError.validation("name", "Another passkey of yours has this name.");
        }
        Events.of(session).event(EventType.UPDATE_CREDENTIAL).user(user).detail(Details.CREDENTIAL_TYPE, Passkeys.TYPE)
            .detail("public_key_credential_label", label).success();
        new CredentialNotice(session).added(user, CredentialNotice.Kind.PASSKEY, label);
        return View.of(stored);
    }

    /** The user's passkeys, oldest first. */
    public List<View> list(UserModel user) {
        return passkeys.of(user).stream().map(View::of).toList();
    }

    /** Removes one of the caller's passkeys, after a step-up (the password, or a recent login). */
    public void remove(BearerAuth caller, String id, String password) {
        UserModel user = caller.user();
        new AccountChanges(session).requireStepUp(caller, password);
        CredentialModel credential = id == null ? null : user.credentialManager().getStoredCredentialById(id);
        if (credential == null || !Passkeys.TYPE.equals(credential.getType())) {
            throw new AuthError(AuthError.Kind.NOT_FOUND, "No such passkey");
        }
        user.credentialManager().removeStoredCredentialById(id);
        Events.of(session).event(EventType.REMOVE_CREDENTIAL).user(user).detail(Details.CREDENTIAL_TYPE, Passkeys.TYPE)
            .detail(Details.SELECTED_CREDENTIAL_ID, id).detail(Details.CREDENTIAL_USER_LABEL, credential.getUserLabel())
            .success();
    }

    /**
     * Request options and a {@code challengeId} for a login: a discoverable one, whose {@code allowCredentials} is
     * empty with or without an e-mail. An e-mail binds the challenge to that address's user (an assertion by anyone
     * else's passkey is refused); the answer is the same, in the same time, whether the address is someone's.
     */
    public Map<String, Object> loginOptions(String email) {
        new RateLimits(session).check(email);
        UserModel user = null;
        long started = System.nanoTime();
        if (email != null && !email.isBlank()) {
            Availability.require(session, realm, null, "Passkey login");
            user = FreshUsers.byEmail(session, realm, email.trim());
        }
        String challenge = challenge();
        String challengeId = SecretGenerator.getInstance().randomString(32);
        session.singleUseObjects().put(LOGIN + Digests.sha256Hex(challengeId), CHALLENGE_SECONDS,
            Map.of("challenge", challenge, "user", user == null ? "" : user.getId()));
        Map<String, Object> options = new java.util.LinkedHashMap<>(
            passkeys.requestOptions(challenge, party()));
        options.put("challengeId", challengeId);
        if (email != null && !email.isBlank()) {
            new ActionMail(session).evenOut("passkey-options", user != null, started);
        }
        return options;
    }

    /**
     * Logs in with a passkey: the challenge (used up whatever happens), then Keycloak's verification of the
     * assertion for the user its handle names, then the realm's direct-grant flow. A user locked by brute-force
     * detection is refused; every refusal answers alike.
     */
    public Login login(Project project, String challengeId, String assertionJson) {
        new RateLimits(session).check();
        AuthError refused = new AuthError(AuthError.Kind.INVALID_CREDENTIALS, "Invalid passkey");
        if (challengeId == null || challengeId.isBlank()) {
            throw AuthError.validation("challengeId", "The challengeId is required.");
        }
        Map<String, String> pending = session.singleUseObjects().remove(LOGIN + Digests.sha256Hex(challengeId.trim()));
        if (pending == null) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired challenge");
        }
        String handle;
        try {
            handle = Passkeys.userHandle(assertionJson);
        } catch (Passkeys.Refused e) {
            throw refused;
        }
        String named = pending.get("user").isEmpty() ? null : pending.get("user");
        if ((handle == null && named == null) || (handle != null && named != null && !handle.equals(named))) {
            throw refused;
        }
        UserModel user = FreshUsers.byId(session, realm, handle != null ? handle : named);
        PasswordlessLogin logins = new PasswordlessLogin(session);
        if (user == null || logins.locked(user)) {
            throw refused;
        }
        boolean verified;
        try {
            verified = passkeys.authenticate(user, assertionJson, pending.get("challenge"), party());
        } catch (Passkeys.Refused e) {
            // Logged, not counted for brute-force detection: a signature cannot be guessed, and user handles and
            // credential ids are not secrets, so counting would let anyone lock anyone out (Keycloak's own passkey
            // step counts a failed discoverable login against nobody either). Locked users are refused above.
            Events.of(session).event(EventType.LOGIN_ERROR).user(user).detail(Details.CREDENTIAL_TYPE, Passkeys.TYPE)
                .detail(Details.REASON, e.getMessage()).error(Errors.INVALID_USER_CREDENTIALS);
            throw refused;
        }
        return logins.login(project, user, METHOD, verified);
    }

    private static String challenge() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }
}
