package io.tableauth.rest.dialect.maskapi;

import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.TokenSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** MaskAPI's documented bodies, as records: what {@link MaskApiResource} reads and answers. */
public final class MaskApi {

    private MaskApi() {
    }

    /** {@code POST login}. */
    @Schema(name = "MaskApiLoginRequest")
    public record LoginRequest(String credential, String password, String otp) {
    }

    /** {@code POST signup}: {@code name} is split into first and last name. */
    @Schema(name = "MaskApiSignupRequest")
    public record SignupRequest(String credential, String password, String confirmPassword, String name) {
    }

    /** {@code POST refresh} and {@code POST logout} (logout also takes the Bearer token instead). */
    @Schema(name = "MaskApiRefreshRequest")
    public record RefreshRequest(String refreshToken) {
    }

    /** The user of an answer. */
    @Schema(name = "MaskApiUser", requiredProperties = {"id", "credential", "email", "name", "emailVerified"})
    public record User(String id, String credential, @Schema(nullable = true) String email,
                       @Schema(nullable = true) String name, boolean emailVerified) {

        static User of(AuthUser u) {
            return new User(u.id(), u.username(), u.email(), u.name(), u.emailVerified());
        }
    }

    /** A login, or a sign-up that logged in at once. */
    @Schema(name = "MaskApiLoggedIn", requiredProperties = {"success", "accessToken", "refreshToken", "tokenType",
        "expiresIn", "refreshExpiresIn", "user"})
    public record LoggedIn(boolean success, String accessToken, @Schema(nullable = true) String refreshToken,
                           String tokenType, long expiresIn,
                           long refreshExpiresIn, User user) {

        static LoggedIn of(TokenSet t, AuthUser u) {
            return new LoggedIn(true, t.accessToken(), t.refreshToken(), "Bearer", t.expiresIn(),
                t.refreshExpiresIn(), User.of(u));
        }
    }

    /** A refresh: new tokens, no user. */
    @Schema(name = "MaskApiRefreshed", requiredProperties = {"success", "accessToken", "refreshToken", "tokenType",
        "expiresIn", "refreshExpiresIn"})
    public record Refreshed(boolean success, String accessToken, @Schema(nullable = true) String refreshToken,
                            String tokenType,
                            long expiresIn, long refreshExpiresIn) {

        static Refreshed of(TokenSet t) {
            return new Refreshed(true, t.accessToken(), t.refreshToken(), "Bearer", t.expiresIn(),
                t.refreshExpiresIn());
        }
    }

    /** A sign-up that cannot log in yet (the realm wants something first, e.g. a verified e-mail). */
    @Schema(name = "MaskApiSignedUp", requiredProperties = {"success", "message", "user"})
    public record SignedUp(boolean success, String message, User user) {
    }
}
