package io.tableauth.rest.dialect;

/** {@code {"success": true, "message": "..."}}: the answer of a call that only confirms (MaskAPI, Mavibase). */
public record SuccessMessage(boolean success, String message) {

    public static SuccessMessage of(String message) {
        return new SuccessMessage(true, message);
    }
}
