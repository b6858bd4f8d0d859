package io.tableauth.rest.dialect.baasix;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tableauth.rest.core.AuthUser;

/** Baasix's documented auth bodies, as records: what {@link BaasixResource} reads and answers. */
public final class Baasix {

    private Baasix() {
    }

    /** {@code POST /auth/register}: {@code authMode} jwt (the default) or cookie. */
    public record RegisterRequest(String email, String password, String firstName, String lastName,
                                  String authMode) {
    }

    /** {@code POST /auth/login}. */
    public record LoginRequest(String email, String password, String otp, String authMode) {
    }

    public record User(String id, String email, String firstName, String lastName) {

        static User of(AuthUser u) {
            return new User(u.id(), u.email(), u.firstName(), u.lastName());
        }
    }

    public record Role(String id, String name) {
    }

    /** A jwt-mode login or registration: the tokens in the body. */
    public record WithTokens(@JsonInclude(JsonInclude.Include.NON_NULL) String message, String token,
                             String refreshToken, long expiresIn, String authMode, User user, Role role,
                             List<String> permissions, Object tenant) {
    }

    /** A cookie-mode login or registration: the token is in the {@code token} cookie, not in the body. */
    public record WithCookie(@JsonInclude(JsonInclude.Include.NON_NULL) String message, String authMode, User user,
                             Role role, List<String> permissions, Object tenant) {
    }

    /** A registration that cannot log in yet: {@code token} is null. */
    public record NotSignedIn(String message, String token, String authMode, User user, Role role,
                              List<String> permissions, Object tenant) {
    }

    /** {@code GET /auth/me}. */
    public record Me(User user) {
    }

    /** Baasix's error body. */
    public record Message(String message) {
    }
}
