package io.tableauth.rest.dialect.directus;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tableauth.rest.core.AuthError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Directus's documented auth bodies, as records: what {@link DirectusResource} reads and answers. */
public final class Directus {

    private Directus() {
    }

    /** Where a login's tokens go: the body (json), the refresh token in a cookie, or both tokens in cookies. */
    enum Mode {
        JSON, COOKIE, SESSION;

        static Mode of(String mode) {
            if (mode == null || mode.isBlank()) {
                return JSON;
            }
            try {
                return valueOf(mode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw AuthError.validation("mode", "\"mode\" must be one of [json, cookie, session]");
            }
        }
    }

    /** {@code POST /auth/login}: {@code mode} json (the default), cookie or session. */
    @Schema(name = "DirectusLoginRequest")
    public record LoginRequest(String email, String password, String otp, String mode) {
    }

    /** {@code POST /auth/refresh} and {@code /auth/logout}: the refresh token here or in its cookie. */
    @Schema(name = "DirectusRefreshRequest")
    public record RefreshRequest(String refresh_token, String mode) {
    }

    /** {@code POST /auth/password/request}: {@code reset_url} must be on the realm's allow list. */
    @Schema(name = "DirectusPasswordRequest")
    public record PasswordRequest(String email, String reset_url) {
    }

    /** {@code POST /auth/password/reset}. */
    @Schema(name = "DirectusPasswordResetRequest")
    public record PasswordReset(String token, String password) {
    }

    /** The tokens of a login or refresh, wrapped in {@code data} as Directus wraps every answer. */
    @Schema(name = "DirectusTokensData", requiredProperties = {"data"})
    public record TokensData(Tokens data) {
    }

    /**
     * The tokens of a login or refresh: {@code access_token} but in session mode (then it is in the session cookie),
     * {@code refresh_token} only in json mode (else it is in its cookie); {@code expires} is the access token's
     * lifespan in seconds, as the reference shows it ({@code 900}).
     */
    @Schema(name = "DirectusTokens", requiredProperties = {"expires"})
    public record Tokens(@JsonInclude(JsonInclude.Include.NON_NULL) String access_token, long expires,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String refresh_token) {
    }

    /** {@code GET /auth/oauth}: the identity providers' aliases. */
    @Schema(name = "DirectusProviders", requiredProperties = {"public", "data"})
    public record Providers(@JsonProperty("public") boolean isPublic, List<String> data) {
    }

    /** Directus's error body: {@code {"errors": [{"message", "extensions": {"code"}}]}}. */
    @Schema(name = "DirectusErrors", description = "Directus's error body", requiredProperties = {"errors"})
    public record Errors(List<Error> errors) {
    }

    @Schema(name = "DirectusError", requiredProperties = {"message", "extensions"})
    public record Error(String message, Extensions extensions) {
    }

    @Schema(name = "DirectusExtensions", requiredProperties = {"code"})
    public record Extensions(String code) {
    }
}
