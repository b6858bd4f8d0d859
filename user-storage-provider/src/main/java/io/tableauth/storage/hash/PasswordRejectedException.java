package io.tableauth.storage.hash;

/** A password tableauth will not hash, with a message fit to show the user. */
public class PasswordRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PasswordRejectedException(String message) {
        super(message);
    }
}
