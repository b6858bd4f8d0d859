package io.tableauth.rest.apikey;

/** A presented key that was refused, with the reason for the event log (never shown to the caller). */
public final class ApiKeyRefused extends RuntimeException {
    private final String reason;
    private final ApiKeyEntity key;

    ApiKeyRefused(String reason, ApiKeyEntity key) {
        super(reason, null, false, false);
        this.reason = reason;
        this.key = key;
    }

    public String reason() {
        return reason;
    }

    /** The key's row when it was found (revoked, expired...), else null. */
    public ApiKeyEntity key() {
        return key;
    }
}
