package io.tableauth.rest.core;

/**
 * How long a value from an unauthenticated request may be before anything parses it. A longer value is refused with
 * the ordinary error for an invalid one, so no input makes the server do more than a bounded, linear amount of work
 * before the request is counted against the rate limits.
 */
public final class InputLimits {

    /** An e-mail address: the longest a mail server forwards (RFC 5321's 256-octet path, less its angle brackets). */
    public static final int MAX_EMAIL_LENGTH = 254;

    /**
     * A URL: a mailed link's page, a redirect after login, an {@code Origin} or {@code Referer}. 2 KiB, what every
     * browser, proxy and mail client carries whole.
     */
    public static final int MAX_URL_LENGTH = 2048;

    /**
     * The original request's path at forward-auth, query and fragment left out, in characters of its raw,
     * percent-encoded form (ASCII, so bytes). Well within the 8 KiB request line nginx accepts by default; far above
     * any API path.
     */
    public static final int MAX_PATH_LENGTH = 4096;

    private InputLimits() {
    }
}
