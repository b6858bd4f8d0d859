package io.tableauth.rest.dialect.slashapi;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** SlashApi's documented bodies (Laravel's shapes), as records: what {@link SlashApiResource} answers. */
public final class SlashApi {

    private SlashApi() {
    }

    /**
     * The fields a request may carry, in {@code data} (the documented login body may send them bare). Read field by
     * field by {@link SlashApiResource}, which answers Laravel's per-field errors ({@code data.email}, ...).
     */
    @Schema(name = "SlashApiFields")
    public record Fields(String email, String password, String otp, String current_password, List<String> permissions,
                         @Schema(type = SchemaType.OBJECT) JsonNode custom_attributes) {
    }

    /** A request body: its fields in {@code data}. */
    @Schema(name = "SlashApiRequest")
    public record Request(Fields data) {
    }

    /** Every success body is wrapped in {@code data}: a user (register, update)... */
    @Schema(name = "SlashApiUserData", requiredProperties = {"data"})
    public record UserData(User data) {
    }

    /** ...or a login. */
    @Schema(name = "SlashApiLoginData", requiredProperties = {"data"})
    public record LoginData(LoggedIn data) {
    }

    /** A user, as register and update answer it; times in Laravel's format ({@code 2024-01-01T00:00:00.000000Z}). */
    @Schema(name = "SlashApiUser", requiredProperties = {"id", "email", "permissions", "custom_attributes",
        "created_at", "updated_at"})
    public record User(String id, @Schema(nullable = true) String email, List<String> permissions,
                       @Schema(nullable = true, type = SchemaType.OBJECT) JsonNode custom_attributes,
                       @Schema(nullable = true) String created_at, @Schema(nullable = true) String updated_at) {
    }

    /** A login: the user without permissions and updated_at, and the tokens. */
    @Schema(name = "SlashApiLoggedIn", requiredProperties = {"id", "email", "custom_attributes", "created_at",
        "token", "refresh_token", "expires_in"})
    public record LoggedIn(String id, @Schema(nullable = true) String email, @Schema(nullable = true,
                           type = SchemaType.OBJECT) JsonNode custom_attributes,
                               @Schema(nullable = true) String created_at, String token,
                           @Schema(nullable = true) String refresh_token, long expires_in) {
    }

    /** Laravel's message, with its validation errors by field when there are some. */
    @Schema(name = "SlashApiMessage", description = "SlashApi's (Laravel's) message, with validation errors by field",
        requiredProperties = {"message"})
    public record Message(String message,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, List<String>> errors) {

        static Message of(String message) {
            return new Message(message, null);
        }
    }
}
