package io.tableauth.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.dto.RecoveryAuthnCodeRepresentation;
import org.keycloak.models.credential.dto.RecoveryAuthnCodesCredentialData;
import org.keycloak.models.credential.dto.RecoveryAuthnCodesSecretData;
import org.keycloak.models.utils.RecoveryAuthnCodesUtils;
import org.keycloak.util.JsonSerialization;

/**
 * A user's 2FA recovery codes, kept in Keycloak's own {@code recovery-authn-codes} credential (the one its
 * "Recovery Authentication Codes" required action and login form use, listed on the user's Credentials tab). The
 * codes are Keycloak's (12 of 12 characters), stored only as their SHA-512 hashes.
 *
 * <p>Keycloak's form accepts only the next code in the list ("code #3"); over an API the user types whichever code
 * they have at hand, so {@link #redeem} accepts any unused one and removes it, keeping the numbers of the others
 * (Keycloak's form then asks for the lowest one left). A code is taken at most once even by two concurrent requests:
 * the first to claim it in Keycloak's single-use store wins, on any node.
 */
public final class RecoveryCodes {

    /** What a user's codes look like from outside: how many are left of how many, and when they were made. */
    public record Status(int remaining, int total, long createdAt) {
    }

    private final KeycloakSession session;

    /**
     * The credential type of a recovery code the application keeps in its own store (django-otp's backup codes): only
     * the user's auth config supports it, and using one up there is asked before Keycloak's own codes.
     */
    public static final String APP_RECOVERY_CODE = "tableauth-app-recovery-code";
    /** Session attribute the auth config sets: the codes the user has left in the application's store. */
    public static final String APP_RECOVERY_CODES_LEFT = "tableauth.app-recovery-codes-left";

    public RecoveryCodes(KeycloakSession session) {
        this.session = session;
    }

    /** Recovery codes are switched on in this server ({@code recovery-codes} feature, on by default since 26.3). */
    public static boolean enabled() {
        return Profile.isFeatureEnabled(Profile.Feature.RECOVERY_CODES);
    }

    /**
     * Whether a code typed where a one-time code goes is a recovery code: 10 characters or more once dashes and
     * spaces are gone (Keycloak's recovery codes have 12 letters and digits, TOTP codes 6 or 8 digits).
     */
    public static boolean isRecoveryCode(String input) {
        return input != null && typed(input).length() >= 10;
    }

    /** New codes for the user, replacing any old ones; the only time the codes themselves are seen. */
    public List<String> generate(UserModel user) {
        List<String> codes = RecoveryAuthnCodesUtils.generateRawCodes();
        remove(user);
        RecoveryAuthnCodesCredentialModel model =
            RecoveryAuthnCodesCredentialModel.createFromValues(codes, Time.currentTimeMillis(), null);
        user.credentialManager().createStoredCredential(model);
        return codes.stream().map(RecoveryCodes::display).toList();
    }

    /** The user's codes, or empty when they have none. */
    public Optional<Status> status(UserModel user) {
        return credential(user).map(c -> {
            RecoveryAuthnCodesCredentialData data = read(c.getCredentialData(), RecoveryAuthnCodesCredentialData.class);
            return new Status(data.getRemainingCodes(), data.getTotalCodes(), c.getCreatedDate());
        });
    }

    /** Removes the user's codes (when their second factor goes away). */
    public void remove(UserModel user) {
        user.credentialManager().getStoredCredentialsByTypeStream(RecoveryAuthnCodesCredentialModel.TYPE)
            .map(CredentialModel::getId).toList()
            .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    }

    /**
     * Uses up one of the user's codes: the number of codes left, or -1 when {@code input} is none of them (or was
     * just taken by another request). Dashes, spaces and case do not matter. The last code used removes the
     * credential, as Keycloak's form does.
     */
    public int redeem(UserModel user, String input) {
        if (user.isFederated() && input != null && user.credentialManager()
            .isValid(new org.keycloak.models.UserCredentialModel(null, APP_RECOVERY_CODE, input.trim()))) {
            Integer left = session.getAttribute(APP_RECOVERY_CODES_LEFT, Integer.class);
            return left == null ? 0 : left; // one of the codes the application keeps, used up in its store
        }
        Optional<CredentialModel> found = credential(user);
        if (found.isEmpty() || input == null) {
            return -1;
        }
        String typed = typed(input).toUpperCase(Locale.ROOT);
        CredentialModel credential = found.get();
        RecoveryAuthnCodesSecretData secret = read(credential.getSecretData(), RecoveryAuthnCodesSecretData.class);
        RecoveryAuthnCodeRepresentation match = null;
        for (RecoveryAuthnCodeRepresentation code : secret.getCodes()) { // every code compared: no early exit
            if (RecoveryAuthnCodesUtils.verifyRecoveryCodeInput(typed, code.getEncodedHashedValue()) && match == null) {
                match = code;
            }
        }
        if (match == null || !session.singleUseObjects()
            .putIfAbsent("tableauth.recovery-code:" + credential.getId() + ":" + match.getNumber(), 24 * 3600)) {
            return -1;
        }
        List<RecoveryAuthnCodeRepresentation> left = new ArrayList<>(secret.getCodes());
        left.remove(match);
        if (left.isEmpty()) {
            user.credentialManager().removeStoredCredentialById(credential.getId());
            return 0;
        }
        RecoveryAuthnCodesCredentialData data = read(credential.getCredentialData(),
            RecoveryAuthnCodesCredentialData.class);
        data.setRemainingCodes(left.size());
        credential.setSecretData(write(new RecoveryAuthnCodesSecretData(left)));
        credential.setCredentialData(write(data));
        user.credentialManager().updateStoredCredential(credential);
        return left.size();
    }

    /** A code as typed, without the dashes and spaces people add or copy along. */
    private static String typed(String input) {
        return input.replace("-", "").replace(" ", "").trim();
    }

    private static Optional<CredentialModel> credential(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(RecoveryAuthnCodesCredentialModel.TYPE)
            .findFirst();
    }

    /** As Keycloak's setup page shows a code: {@code ABCD-EFGH-IJKL}. */
    private static String display(String code) {
        return code.length() != 12 ? code
            : code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JsonSerialization.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JsonSerialization.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
