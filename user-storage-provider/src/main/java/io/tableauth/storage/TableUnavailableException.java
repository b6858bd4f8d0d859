package io.tableauth.storage;

/**
 * An auth config's users table cannot be reached on this node right now (its database is down, partitioned, too
 * slow, or refuses the login): the REST API answers 503 with Retry-After. Never says which user was asked for.
 */
public final class TableUnavailableException extends RuntimeException {

    private final String configName;
    private final int retryAfterSeconds;

    TableUnavailableException(String configName, int retryAfterSeconds) {
        super("The users table of auth config " + configName + " is unavailable", null, false, false);
        this.configName = configName;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String configName() {
        return configName;
    }

    /** When a client should try again: the next check of the database. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
