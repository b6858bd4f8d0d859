package io.tableauth.rest.dialect.mavibase;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tableauth.rest.apikey.ApiKeyView;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.TokenSet;

/** Mavibase's documented platform-auth bodies, as records: what {@link MavibaseResource} reads and answers. */
public final class Mavibase {

    private Mavibase() {
    }

    /** {@code POST auth/register}: {@code name} is used when neither first nor last name is given. */
    public record RegisterRequest(String email, String password, String confirmPassword, String firstName,
                                  String lastName, String name) {
    }

    /** {@code POST auth/login}. */
    public record LoginRequest(String email, String password) {
    }

    /** {@code POST auth/refresh-token} and {@code POST auth/logout}. */
    public record RefreshRequest(String refreshToken) {
    }

    /** {@code POST auth/resend-verification} and {@code POST auth/password-reset/request}. */
    public record EmailRequest(String email) {
    }

    /** {@code POST auth/password-reset/confirm}. */
    public record ResetRequest(String token, String password) {
    }

    /** {@code POST 2fa/setup/verify} and {@code POST 2fa/disable/confirm}. */
    public record CodeRequest(String code) {
    }

    /** {@code POST 2fa/verify}: the second step of a login. */
    public record SecondFactorRequest(String tempToken, String code) {
    }

    /**
     * The user of an answer. {@code emailVerified} is shown by register and {@code users/me}, {@code createdAt} by
     * {@code users/me} when Keycloak knows it; the login answer shows neither.
     */
    public record User(String id, String email, String name,
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

    public record Registered(boolean success, String message, User user) {
    }

    public record LoggedIn(boolean success, String token, String refreshToken, long expiresIn, User user) {

        static LoggedIn of(TokenSet t, AuthUser u) {
            return new LoggedIn(true, t.accessToken(), t.refreshToken(), t.expiresIn(), User.brief(u));
        }
    }

    /** A login of a user with TOTP: the code goes to {@code 2fa/verify} with this token. */
    public record SecondFactorRequired(boolean requires2FA, String tempToken) {
    }

    public record Refreshed(boolean success, String token, String refreshToken, long expiresIn) {

        static Refreshed of(TokenSet t) {
            return new Refreshed(true, t.accessToken(), t.refreshToken(), t.expiresIn());
        }
    }

    /** {@code POST 2fa/setup}: the secret as Base32, its otpauth URI, and that URI as a QR code image. */
    public record TotpSetup(String secret, String qrCode, String qrCodeImage) {
    }

    public record Me(boolean success, User user) {
    }

    /** One API key: create, get, rotate. */
    public record Key(boolean success, ApiKeyView apiKey) {
    }

    /** {@code GET api-keys}. */
    public record Keys(boolean success, List<ApiKeyView> apiKeys) {
    }

    /** {@code POST api-keys/{id}/revoke}. */
    public record Revoked(boolean success, String message, ApiKeyView apiKey) {
    }
}
