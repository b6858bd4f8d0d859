package io.tableauth.storage;

import org.jboss.logging.Logger;
import org.keycloak.models.ModelException;

/**
 * A write to an auth config's table that cannot be made. Its message is what callers may show a user or a client:
 * one sentence that names no table, column, constraint or value. What went wrong, including the database driver's own
 * text (constraint names, PostgreSQL's {@code Key (email)=(...)} detail), goes to the server log when it is thrown.
 */
class SqlWriteException extends ModelException {

    /** The one message a client ever sees for a failed write. */
    static final String CLIENT_MESSAGE = "The account could not be saved. Please try again later.";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(SqlWriteException.class);

    SqlWriteException(String detail) {
        this(detail, null);
    }

    SqlWriteException(String detail, Throwable cause) {
        super(CLIENT_MESSAGE, cause);
        LOG.warnf("tableauth: a write to a users table failed: %s%s", detail,
            cause == null ? "" : " (" + cause.getMessage() + ")");
    }
}
