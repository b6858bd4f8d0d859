package io.tableauth.rest.dialect.directus;

import java.util.List;

import io.tableauth.rest.core.AuthError;

/** Directus's error answers: its status, its {@code extensions.code} and its message, for each kind of error. */
final class DirectusErrors {

    private DirectusErrors() {
    }

    /** Directus's status, error code and message for an error. */
    record Mapped(int status, String code, String message) {

        Directus.Errors body() {
            return new Directus.Errors(List.of(new Directus.Error(message, new Directus.Extensions(code))));
        }
    }

    static Mapped map(AuthError e) {
        String code;
        String message = e.message();
        int status;
        switch (e.kind()) {
            case INVALID_CREDENTIALS, INVALID_TOKEN -> {
                code = "INVALID_CREDENTIALS";
                message = "Invalid user credentials.";
                status = 401;
            }
            case OTP_REQUIRED -> {
                code = "INVALID_OTP";
                message = "\"otp\" is required";
                status = 401;
            }
            case INVALID_OTP -> {
                code = "INVALID_OTP";
                message = "Invalid user OTP.";
                status = 401;
            }
            case ACCOUNT_DISABLED -> {
                code = "USER_SUSPENDED";
                message = "User suspended.";
                status = 401;
            }
            case ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, DENIED, FORBIDDEN, CSRF -> {
                code = "FORBIDDEN";
                status = 403;
            }
            case VALIDATION, MALFORMED -> {
                code = "INVALID_PAYLOAD";
                message = e.kind() == AuthError.Kind.VALIDATION ? "Invalid payload. " + e.message() : e.message();
                status = 400;
            }
            case TOO_LARGE -> {
                code = "CONTENT_TOO_LARGE";
                status = 413;
            }
            case UNSUPPORTED_MEDIA_TYPE -> {
                code = "UNSUPPORTED_MEDIA_TYPE";
                status = 415;
            }
            case UNAVAILABLE -> {
                code = "SERVICE_UNAVAILABLE";
                status = 503;
            }
            case RATE_LIMITED -> {
                code = "REQUESTS_EXCEEDED"; // Directus's own rate limiter
                status = 429;
            }
            case USER_EXISTS -> {
                code = "RECORD_NOT_UNIQUE";
                status = 400;
            }
            case NOT_FOUND -> {
                code = "ROUTE_NOT_FOUND";
                status = 404;
            }
            case UNKNOWN_PROJECT -> {
                code = "INVALID_CREDENTIALS";
                status = 401;
            }
            default -> {
                code = "INTERNAL_SERVER_ERROR";
                status = e.kind().status;
            }
        }
        return new Mapped(status, code, message);
    }
}
