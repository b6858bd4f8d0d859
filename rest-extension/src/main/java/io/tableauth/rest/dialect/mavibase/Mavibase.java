package io.tableauth.rest.dialect.mavibase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.rest.apikey.ApiKeyView;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.PasskeyService;
import io.tableauth.rest.core.SessionService;
import io.tableauth.rest.core.TokenSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Mavibase's documented platform-auth bodies, as records: what {@link MavibaseResource} reads and answers. */
public final class Mavibase {

    private Mavibase() {
    }

    /** {@code POST auth/register}: {@code name} is used when neither first nor last name is given. */
    @Schema(name = "MavibaseRegisterRequest")
    public record RegisterRequest(String email, String password, String confirmPassword, String firstName,
                                  String lastName, String name) {
    }

    /** {@code POST auth/login}. */
    @Schema(name = "MavibaseLoginRequest")
    public record LoginRequest(String email, String password) {
    }

    /** {@code POST auth/refresh-token} and {@code POST auth/logout}. */
    @Schema(name = "MavibaseRefreshRequest")
    public record RefreshRequest(String refreshToken) {
    }

    /** {@code POST auth/resend-verification} and {@code POST auth/password-reset/request}. */
    @Schema(name = "MavibaseEmailRequest")
    public record EmailRequest(String email) {
    }

    /** {@code POST auth/magic-link}: {@code redirectUrl} must be one of the realm's Magic link URLs. */
    @Schema(name = "MavibaseMagicLinkRequest", requiredProperties = {"email"})
    public record MagicLinkRequest(String email, String redirectUrl) {
    }

    /** {@code POST auth/magic-link/verify}: the {@code token} of the mailed link. */
    @Schema(name = "MavibaseTokenRequest", requiredProperties = {"token"})
    public record TokenRequest(String token) {
    }

    /** {@code POST auth/email-otp/verify}: the address and the six digits mailed to it. */
    @Schema(name = "MavibaseEmailCodeRequest", requiredProperties = {"email", "code"})
    public record EmailCodeRequest(String email, String code) {
    }

    /** {@code POST auth/password-reset/confirm}. */
    @Schema(name = "MavibaseResetRequest")
    public record ResetRequest(String token, String password) {
    }

    /** {@code POST 2fa/setup/verify} and {@code POST 2fa/disable/confirm}. */
    @Schema(name = "MavibaseCodeRequest")
    public record CodeRequest(String code) {
    }

    /** {@code POST auth/change-email}. */
    @Schema(name = "MavibaseChangeEmailRequest", requiredProperties = {"newEmail", "password"})
    public record ChangeEmailRequest(String newEmail, String password) {
    }

    /** {@code DELETE users/me}. */
    @Schema(name = "MavibaseDeleteAccountRequest", requiredProperties = {"password"})
    public record DeleteAccountRequest(String password) {
    }

    /** {@code POST auth/change-password}. */
    @Schema(name = "MavibaseChangePasswordRequest")
    public record ChangePasswordRequest(String currentPassword, String newPassword) {
    }

    /** {@code POST 2fa/verify}: the second step of a login. */
    @Schema(name = "MavibaseSecondFactorRequest")
    public record SecondFactorRequest(String tempToken, String code,
                                      @Schema(description = "One of the user's recovery codes, instead of code")
                                      String recoveryCode) {
    }

    /** {@code POST 2fa/recovery-codes}: the current password, unless the caller logged in within the step-up age. */
    @Schema(name = "MavibaseRecoveryCodesRequest")
    public record RecoveryCodesRequest(String password) {
    }

    /** {@code POST 2fa/recovery-codes}: the new codes, shown this once. */
    @Schema(name = "MavibaseRecoveryCodes", requiredProperties = {"success", "message", "codes"})
    public record RecoveryCodes(boolean success, String message, List<String> codes) {
    }

    /** {@code GET 2fa/recovery-codes}: how many of the caller's codes are left ({@code createdAt} null: none made). */
    @Schema(name = "MavibaseRecoveryCodesStatus", requiredProperties = {"success", "enabled", "remaining", "total"})
    public record RecoveryCodesStatus(boolean success, boolean enabled, int remaining, int total,
                                      @Schema(nullable = true) String createdAt) {
    }

    /**
     * The user of an answer. {@code emailVerified} is shown by register and {@code users/me}, {@code createdAt} by
     * {@code users/me} when Keycloak knows it; the login answer shows neither.
     */
    @Schema(name = "MavibaseUser", requiredProperties = {"id", "email", "name"})
    public record User(String id, @Schema(nullable = true) String email, @Schema(nullable = true) String name,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean emailVerified,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String createdAt) {

        static User brief(AuthUser u) {
            return new User(u.id(), u.email(), u.name(), null, null);
        }

        static User verified(AuthUser u) {
            return new User(u.id(), u.email(), u.name(), u.emailVerified(), null);
        }

        static User full(AuthUser u) {
            return new User(u.id(), u.email(), u.name(), u.emailVerified(),
                u.createdTimestamp() == null ? null : Instant.ofEpochMilli(u.createdTimestamp()).toString());
        }
    }

    @Schema(name = "MavibaseRegistered", requiredProperties = {"success", "message", "user"})
    public record Registered(boolean success, String message, User user) {
    }

    @Schema(name = "MavibaseLoggedIn", requiredProperties = {"success", "token", "refreshToken", "expiresIn", "user"})
    public record LoggedIn(boolean success, String token, @Schema(nullable = true) String refreshToken,
                           long expiresIn, User user,
                           @Schema(description = "Set when the login used a recovery code: how many are left")
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer recoveryCodesLeft) {

        static LoggedIn of(Login login) {
            return of(login.tokens(), AuthUser.of(login.user()), login.recoveryCodesLeft());
        }

        static LoggedIn of(TokenSet t, AuthUser u, Integer recoveryCodesLeft) {
            return new LoggedIn(true, t.accessToken(), t.refreshToken(), t.expiresIn(), User.brief(u),
                recoveryCodesLeft);
        }
    }

    /** A login of a user with TOTP: the code goes to {@code 2fa/verify} with this token. */
    @Schema(name = "MavibaseSecondFactorRequired", requiredProperties = {"requires2FA", "tempToken"})
    public record SecondFactorRequired(boolean requires2FA, String tempToken) {
    }

    /** The answer of a login: the tokens, or (a user with TOTP) the token of the second step at 2fa/verify. */
    static Record loginAnswer(Login login) {
        return login.secondFactorRequired() ? new SecondFactorRequired(true, login.tempToken()) : LoggedIn.of(login);
    }

    @Schema(name = "MavibaseRefreshed", requiredProperties = {"success", "token", "refreshToken", "expiresIn"})
    public record Refreshed(boolean success, String token, @Schema(nullable = true) String refreshToken,
                            long expiresIn) {

        static Refreshed of(TokenSet t) {
            return new Refreshed(true, t.accessToken(), t.refreshToken(), t.expiresIn());
        }
    }

    /** {@code POST 2fa/setup}: the secret as Base32, its otpauth URI, and that URI as a QR code image. */
    @Schema(name = "MavibaseTotpSetup", requiredProperties = {"secret", "qrCode", "qrCodeImage"})
    public record TotpSetup(String secret, String qrCode, String qrCodeImage) {
    }

    @Schema(name = "MavibaseMe", requiredProperties = {"success", "user"})
    public record Me(boolean success, User user) {
    }

    /** One of the caller's sessions: times in ISO-8601; {@code current} is the session of the calling token. */
    @Schema(name = "MavibaseSession", requiredProperties = {"id", "startedAt", "lastAccessAt", "ipAddress", "clients",
        "current", "offline"})
    public record Session(String id, String startedAt, String lastAccessAt, @Schema(nullable = true) String ipAddress,
                          List<String> clients, boolean current, boolean offline) {

        static Session of(SessionService.Session s) {
            return new Session(s.id(), Instant.ofEpochSecond(s.started()).toString(),
                Instant.ofEpochSecond(s.lastAccess()).toString(), s.ipAddress(), s.clients(), s.current(), s.offline());
        }
    }

    /** {@code GET auth/sessions}. */
    @Schema(name = "MavibaseSessions", requiredProperties = {"success", "sessions"})
    public record Sessions(boolean success, List<Session> sessions) {
    }

    /** {@code POST auth/sessions/revoke-others}: how many sessions ended. */
    @Schema(name = "MavibaseRevokedSessions", requiredProperties = {"success", "message", "revoked"})
    public record RevokedSessions(boolean success, String message, int revoked) {
    }

    /** One API key: create, get, rotate. */
    @Schema(name = "MavibaseKey", requiredProperties = {"success", "apiKey"})
    public record Key(boolean success, ApiKeyView apiKey) {
    }

    /** {@code GET api-keys}. */
    @Schema(name = "MavibaseKeys", requiredProperties = {"success", "apiKeys"})
    public record Keys(boolean success, List<ApiKeyView> apiKeys) {
    }

    /** {@code POST api-keys/{id}/revoke}. */
    @Schema(name = "MavibaseRevoked", requiredProperties = {"success", "message", "apiKey"})
    public record Revoked(boolean success, String message, ApiKeyView apiKey) {
    }

    // --- passkeys (W3C WebAuthn Level 3 JSON forms)

    /** {@code POST passkeys/register/options}: {@code PublicKeyCredentialCreationOptionsJSON}. */
    @Schema(name = "MavibasePasskeyCreationOptions", requiredProperties = {"rp", "user", "challenge",
        "pubKeyCredParams"})
    public record PasskeyCreationOptions(Map<String, Object> rp, Map<String, Object> user, String challenge,
                                         List<Map<String, Object>> pubKeyCredParams, long timeout,
                                         List<Map<String, Object>> excludeCredentials,
                                         Map<String, Object> authenticatorSelection, String attestation) {
    }

    /** {@code POST passkeys/register/verify}: a {@code RegistrationResponseJSON}, and a name for the passkey. */
    @Schema(name = "MavibasePasskeyRegistration", requiredProperties = {"id", "rawId", "type", "response"})
    public record PasskeyRegistration(String id, String rawId, String type, JsonNode response,
                                      String authenticatorAttachment, JsonNode clientExtensionResults, String name) {
    }

    /** {@code POST auth/passkey/options}: an e-mail to name the user's passkeys, or none (discoverable). */
    @Schema(name = "MavibasePasskeyOptionsRequest")
    public record PasskeyOptionsRequest(String email) {
    }

    /** {@code POST auth/passkey/options}: {@code PublicKeyCredentialRequestOptionsJSON} and the id to send back. */
    @Schema(name = "MavibasePasskeyRequestOptions", requiredProperties = {"challenge", "rpId", "allowCredentials",
        "challengeId"})
    public record PasskeyRequestOptions(String challenge, long timeout, String rpId,
                                        List<Map<String, Object>> allowCredentials, String userVerification,
                                        String challengeId) {
    }

    /** {@code POST auth/passkey/verify}: an {@code AuthenticationResponseJSON} and the options' {@code challengeId}. */
    @Schema(name = "MavibasePasskeyAssertion", requiredProperties = {"challengeId", "id", "rawId", "type", "response"})
    public record PasskeyAssertion(String challengeId, String id, String rawId, String type, JsonNode response,
                                   String authenticatorAttachment, JsonNode clientExtensionResults) {
    }

    /** A passkey of the caller ({@code lastUsedAt}: Keycloak does not record it, always null). */
    @Schema(name = "MavibasePasskey", requiredProperties = {"id", "name", "createdAt"})
    public record Passkey(String id, String name, String createdAt, @Schema(nullable = true) String lastUsedAt) {

        static Passkey of(PasskeyService.View v) {
            return new Passkey(v.id(), v.name(), Instant.ofEpochMilli(v.createdAt()).toString(), null);
        }
    }

    @Schema(name = "MavibasePasskeyRegistered", requiredProperties = {"success", "passkey"})
    public record PasskeyRegistered(boolean success, Passkey passkey) {
    }

    @Schema(name = "MavibasePasskeys", requiredProperties = {"success", "passkeys"})
    public record Passkeys(boolean success, List<Passkey> passkeys) {
    }

    /** {@code DELETE passkeys/{id}}: the password, unless the login is recent enough. */
    @Schema(name = "MavibaseStepUp")
    public record StepUpRequest(String password) {
    }
}
