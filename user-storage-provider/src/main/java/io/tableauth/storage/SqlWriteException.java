package io.tableauth.storage;

import org.keycloak.models.ModelException;

/** A write to an auth config's table that cannot be made; the message is shown to the admin or user as is. */
class SqlWriteException extends ModelException {

    private static final long serialVersionUID = 1L;

    SqlWriteException(String message) {
        super(message);
    }

    SqlWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
