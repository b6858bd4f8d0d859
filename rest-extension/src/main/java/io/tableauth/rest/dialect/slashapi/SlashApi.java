package io.tableauth.rest.dialect.slashapi;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** SlashApi's documented bodies (Laravel's shapes), as records: what {@link SlashApiResource} answers. */
public final class SlashApi {

    private SlashApi() {
    }

    /** Every success body is wrapped in {@code data}. */
    public record Data<T>(T data) {
    }

    /** A user, as register and update answer it; times in Laravel's format ({@code 2024-01-01T00:00:00.000000Z}). */
    public record User(String id, String email, List<String> permissions, JsonNode custom_attributes,
                       String created_at, String updated_at) {
    }

    /** A login: the user without permissions and updated_at, and the tokens. */
    public record LoggedIn(String id, String email, JsonNode custom_attributes, String created_at, String token,
                           String refresh_token, long expires_in) {
    }

    /** Laravel's message, with its validation errors by field when there are some. */
    public record Message(String message,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, List<String>> errors) {

        static Message of(String message) {
            return new Message(message, null);
        }
    }
}
