package io.tableauth.storage;

/**
 * An auth config's users table cannot be reached on this node right now (its database is down, partitioned, too
 * slow, or refuses the login): the REST API answers 503 with Retry-After. Never says which user was asked for.
 */
public final class TableUnavailableException extends RuntimeException {

    /** When a client should try again after an unavailable table: the next check of its database. */
    public static final int RETRY_AFTER_SECONDS = DatabaseHealth.PROBE_INTERVAL_SECONDS;

    private final String configName;

    TableUnavailableException(String configName) {
        super("The users table of auth config " + configName + " is unavailable", null, false, false);
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** When a client should try again: {@link #RETRY_AFTER_SECONDS}. */
    public int retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }
}
