package io.tableauth.rest.dialect.slashapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tableauth.rest.core.AuthError;

/** SlashApi's error answers: Laravel's 422 with field errors, 401 and 403 with a message. */
final class SlashApiErrors {

    static final String INVALID = "The given data was invalid.";

    private SlashApiErrors() {
    }

    record Mapped(int status, SlashApi.Message body) {
    }

    /**
     * @param dataKeys field errors are keyed {@code data.x} (bodies wrapped in {@code data}), or {@code x} (the
     *                 documented login body)
     */
    static Mapped map(AuthError e, boolean dataKeys) {
        return switch (e.kind()) {
            case INVALID_CREDENTIALS, ACCOUNT_DISABLED, ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, DENIED ->
                invalid(Map.of("email", List.of(e.kind() == AuthError.Kind.INVALID_CREDENTIALS
                    ? "The provided credentials are incorrect." : e.message())));
            case VALIDATION -> {
                Map<String, List<String>> errors = new LinkedHashMap<>();
                if (e.fields().isEmpty()) {
                    errors.put("data", List.of(e.message()));
                }
                e.fields().forEach((field, message) -> errors.put(
                    !dataKeys || field.startsWith("data.") ? field : "data." + field, List.of(message)));
                yield invalid(errors);
            }
            case OTP_REQUIRED, INVALID_OTP -> invalid(Map.of("otp", List.of(e.kind() == AuthError.Kind.OTP_REQUIRED
                ? "The otp field is required." : "The provided one-time code is incorrect.")));
            case USER_EXISTS -> invalid(Map.of("data.email", List.of("The data.email has already been taken.")));
            case INVALID_TOKEN -> new Mapped(401, SlashApi.Message.of("Invalid token"));
            case FORBIDDEN -> new Mapped(403, SlashApi.Message.of(e.message()));
            default -> new Mapped(e.kind().status, SlashApi.Message.of(e.message()));
        };
    }

    private static Mapped invalid(Map<String, List<String>> errors) {
        return new Mapped(422, new SlashApi.Message(INVALID, errors));
    }
}
