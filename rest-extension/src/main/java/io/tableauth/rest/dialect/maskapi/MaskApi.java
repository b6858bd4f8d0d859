package io.tableauth.rest.dialect.maskapi;

import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.TokenSet;

/** MaskAPI's documented bodies, as records: what {@link MaskApiResource} reads and answers. */
public final class MaskApi {

    private MaskApi() {
    }

    /** {@code POST login}. */
    public record LoginRequest(String credential, String password, String otp) {
    }

    /** {@code POST signup}: {@code name} is split into first and last name. */
    public record SignupRequest(String credential, String password, String confirmPassword, String name) {
    }

    /** {@code POST refresh} and {@code POST logout} (logout also takes the Bearer token instead). */
    public record RefreshRequest(String refreshToken) {
    }

    /** The user of an answer. */
    public record User(String id, String credential, String email, String name, boolean emailVerified) {

        static User of(AuthUser u) {
            return new User(u.id(), u.username(), u.email(), u.name(), u.emailVerified());
        }
    }

    /** A login, or a sign-up that logged in at once. */
    public record LoggedIn(boolean success, String accessToken, String refreshToken, String tokenType, long expiresIn,
                           long refreshExpiresIn, User user) {

        static LoggedIn of(TokenSet t, AuthUser u) {
            return new LoggedIn(true, t.accessToken(), t.refreshToken(), "Bearer", t.expiresIn(),
                t.refreshExpiresIn(), User.of(u));
        }
    }

    /** A refresh: new tokens, no user. */
    public record Refreshed(boolean success, String accessToken, String refreshToken, String tokenType,
                            long expiresIn, long refreshExpiresIn) {

        static Refreshed of(TokenSet t) {
            return new Refreshed(true, t.accessToken(), t.refreshToken(), "Bearer", t.expiresIn(),
                t.refreshExpiresIn());
        }
    }

    /** A sign-up that cannot log in yet (the realm wants something first, e.g. a verified e-mail). */
    public record SignedUp(boolean success, String message, User user) {
    }
}
