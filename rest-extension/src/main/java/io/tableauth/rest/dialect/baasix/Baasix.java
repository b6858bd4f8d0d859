package io.tableauth.rest.dialect.baasix;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tableauth.rest.core.AuthUser;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Baasix's documented auth bodies, as records: what {@link BaasixResource} reads and answers. */
public final class Baasix {

    private Baasix() {
    }

    /** {@code POST /auth/register}: {@code authMode} jwt (the default) or cookie. */
    @Schema(name = "BaasixRegisterRequest")
    public record RegisterRequest(String email, String password, String firstName, String lastName,
                                  String authMode) {
    }

    /** {@code POST /auth/login}. */
    @Schema(name = "BaasixLoginRequest")
    public record LoginRequest(String email, String password, String otp, String authMode) {
    }

    @Schema(name = "BaasixUser", requiredProperties = {"id", "email", "firstName", "lastName"})
    public record User(String id, @Schema(nullable = true) String email, @Schema(nullable = true) String firstName,
                       @Schema(nullable = true) String lastName) {

        static User of(AuthUser u) {
            return new User(u.id(), u.email(), u.firstName(), u.lastName());
        }
    }

    @Schema(name = "BaasixRole", requiredProperties = {"id", "name"})
    public record Role(String id, String name) {
    }

    /** A jwt-mode login or registration: the tokens in the body. */
    @Schema(name = "BaasixWithTokens", requiredProperties = {"token", "refreshToken", "expiresIn", "authMode", "user",
        "role", "permissions", "tenant"})
    public record WithTokens(@JsonInclude(JsonInclude.Include.NON_NULL) String message, String token,
                             @Schema(nullable = true) String refreshToken, long expiresIn, String authMode, User user,
                                 Role role,
                             List<String> permissions, @Schema(nullable = true,
                                 type = SchemaType.OBJECT) Object tenant) {
    }

    /** A cookie-mode login or registration: the token is in the {@code token} cookie, not in the body. */
    @Schema(name = "BaasixWithCookie", requiredProperties = {"authMode", "user", "role", "permissions", "tenant"})
    public record WithCookie(@JsonInclude(JsonInclude.Include.NON_NULL) String message, String authMode, User user,
                             Role role, List<String> permissions, @Schema(nullable = true,
                                 type = SchemaType.OBJECT) Object tenant) {
    }

    /** A registration that cannot log in yet: {@code token} is null. */
    @Schema(name = "BaasixNotSignedIn", requiredProperties = {"message", "token", "authMode", "user", "role",
        "permissions", "tenant"})
    public record NotSignedIn(String message, @Schema(nullable = true) String token, String authMode, User user,
                              Role role,
                              List<String> permissions, @Schema(nullable = true,
                                  type = SchemaType.OBJECT) Object tenant) {
    }

    /** {@code GET /auth/me}. */
    @Schema(name = "BaasixMe", requiredProperties = {"user"})
    public record Me(User user) {
    }

    /** Baasix's error body. */
    @Schema(name = "BaasixMessage", description = "Baasix's error body", requiredProperties = {"message"})
    public record Message(String message) {
    }
}
