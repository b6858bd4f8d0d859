package io.tableauth.rest.dialect;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code {"success": true, "message": "..."}}: the answer of a call that only confirms (MaskAPI, Mavibase). */
@Schema(name = "SuccessMessage", requiredProperties = {"success", "message"})
public record SuccessMessage(boolean success, String message) {

    public static SuccessMessage of(String message) {
        return new SuccessMessage(true, message);
    }
}
