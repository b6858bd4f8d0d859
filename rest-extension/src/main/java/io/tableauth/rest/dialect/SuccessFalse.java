package io.tableauth.rest.dialect;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tableauth.rest.core.AuthError;

/**
 * The error body of the dialects whose documents show success bodies only (MaskAPI, Mavibase):
 * {@code {"success": false, "error": CODE, "message": "...", "fields": {...}}}, {@code fields} only when a field
 * was at fault.
 */
public record SuccessFalse(boolean success, String error, String message,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> fields) {

    public static SuccessFalse of(AuthError e) {
        return new SuccessFalse(false, e.kind().name(), e.message(), e.fields());
    }
}
