package io.tableauth.rest.core;

import java.util.Map;

import io.tableauth.keycloak.TokenGrants;

/**
 * Why an auth call failed, independent of any dialect. Each dialect turns it into its documented status and body;
 * {@link #message()} is safe to show to a client (it never holds a stack trace, SQL or a secret).
 */
public final class AuthError extends RuntimeException {

    /** What went wrong; {@link #status} is the usual HTTP status, which a dialect may override. */
    public enum Kind {
        /** Unknown user, wrong password, locked by brute-force detection: one answer for all of them. */
        INVALID_CREDENTIALS(401),
        /** Right password of a disabled account (Keycloak says so only after the password matched). */
        ACCOUNT_DISABLED(401),
        /** Required actions pending (verify e-mail, update password, ...): no token over a REST login. */
        ACCOUNT_NOT_READY(401),
        /**
         * Password right, e-mail not verified while the realm wants it (Keycloak's Verify email required action):
         * the app can offer to resend the mail.
         */
        EMAIL_NOT_VERIFIED(403),
        /** Password right, one-time code missing (the user has TOTP). */
        OTP_REQUIRED(401),
        /** Password right, one-time code wrong or used (or a 2FA setup/disable code that does not match). */
        INVALID_OTP(401),
        /** A hook or another authenticator denied the login with its own message. */
        DENIED(401),
        /** Missing, expired, revoked or foreign access or refresh token. */
        INVALID_TOKEN(401),
        /** A required field is missing or a value is invalid; see {@link #fields()}. */
        VALIDATION(400),
        /** Sign-up with a username or e-mail that already exists. */
        USER_EXISTS(409),
        /** The caller may not do this (another user's record, sign-up switched off). */
        FORBIDDEN(403),
        /** No such user or record. */
        NOT_FOUND(404),
        /** Unknown or unusable project (client) or auth config. */
        UNKNOWN_PROJECT(401),
        /** Too many calls from this address or for this identifier: try again after Retry-After. */
        RATE_LIMITED(429),
        /** Cookie-authenticated call from an origin that is not allowed. */
        CSRF(403),
        /** Body is not JSON or not an object. */
        MALFORMED(400),
        /** Body larger than the limit. */
        TOO_LARGE(413),
        /** A body that is not declared as JSON (Content-Type): also what keeps HTML forms of other sites out. */
        UNSUPPORTED_MEDIA_TYPE(415),
        /**
         * Briefly not possible (another request holds the session's refresh lock, or a users table the call needs
         * cannot be reached): try again after Retry-After.
         */
        UNAVAILABLE(503),
        /**
         * The login can go on only in the browser (a level of authentication the API's steps cannot reach); the
         * OAuth endpoint's {@code redirect_to_web}.
         */
        BROWSER_REQUIRED(403),
        /** The realm's tableauth settings are incomplete (e.g. no default client). */
        MISCONFIGURED(500),
        /** Anything unexpected; details are in the server log only. */
        INTERNAL(500);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final Map<String, String> fields;
    private final int retryAfterSeconds;

    public AuthError(Kind kind, String message) {
        this(kind, message, Map.of());
    }

    /** @param fields field name (as in the request body) → message, for validation errors */
    public AuthError(Kind kind, String message, Map<String, String> fields) {
        this(kind, message, fields, RETRY_AFTER_SECONDS);
    }

    private AuthError(Kind kind, String message, Map<String, String> fields, int retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@code what} ("Login", "Sign-up"…) cannot be done while a users table it needs is out of reach. */
    public static AuthError unavailable(String what, int retryAfterSeconds) {
        return new AuthError(Kind.UNAVAILABLE, what + " is temporarily unavailable. Please try again shortly.",
            Map.of(), retryAfterSeconds);
    }

    /** Over a rate limit ({@link RateLimits}): try again in {@code retryAfterSeconds}. */
    public static AuthError rateLimited(int retryAfterSeconds) {
        return new AuthError(Kind.RATE_LIMITED, "Too many requests. Please try again in " + retryAfterSeconds
            + " seconds.", Map.of(), retryAfterSeconds);
    }

    /**
     * tableauth cannot run on this Keycloak (an unsupported release, or internals not as expected): 503 with the
     * message, and no Retry-After, because trying again will not help.
     */
    public static AuthError unsupported(String message) {
        return new AuthError(Kind.UNAVAILABLE, message, Map.of(), 0);
    }

    /** For {@link Kind#UNAVAILABLE} and {@link Kind#RATE_LIMITED}: the seconds a client should wait before it tries again; 0: do not. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public String message() {
        return getMessage();
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** What a refused grant means to a caller, from its outcome (Keycloak's {@code Errors.*} code, never its text). */
    public static AuthError ofGrant(TokenGrants.Result result) {
        String description = result.description();
        return switch (result.outcome()) {
            case SUCCESS, INVALID_CREDENTIALS -> invalidCredentials();
            case ACCOUNT_DISABLED -> new AuthError(Kind.ACCOUNT_DISABLED, "Account disabled");
            case REQUIRED_ACTIONS -> new AuthError(Kind.ACCOUNT_NOT_READY, "Account is not fully set up");
            case EMAIL_NOT_VERIFIED ->
                new AuthError(Kind.EMAIL_NOT_VERIFIED, "Please verify your email address before logging in.");
            case CLIENT_REFUSED -> new AuthError(Kind.UNKNOWN_PROJECT, "This project may not log users in"
                + (description == null ? "" : ": " + description));
            case FORBIDDEN -> new AuthError(Kind.FORBIDDEN, description == null ? "Forbidden" : description);
            case INVALID_REQUEST -> description == null ? invalidCredentials()
                : new AuthError(Kind.VALIDATION, description);
            // an authenticator's own message (a hook's, a client policy's): shown as it is
            case DENIED -> description == null ? invalidCredentials()
                : new AuthError(Kind.DENIED, description);
        };
    }

    public static AuthError invalidCredentials() {
        return new AuthError(Kind.INVALID_CREDENTIALS, "Invalid credentials");
    }

    public static AuthError invalidToken() {
        return new AuthError(Kind.INVALID_TOKEN, "Invalid or expired token");
    }

    /** Seconds a client should wait before it tries an {@link Kind#UNAVAILABLE} call again. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public static AuthError validation(String field, String message) {
        return new AuthError(Kind.VALIDATION, message, Map.of(field, message));
    }
}
