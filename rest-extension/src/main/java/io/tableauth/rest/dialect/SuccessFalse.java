package io.tableauth.rest.dialect;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tableauth.rest.core.AuthError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The error body of the dialects whose documents show success bodies only (MaskAPI, Mavibase):
 * {@code {"success": false, "error": CODE, "message": "...", "fields": {...}}}, {@code fields} only when a field
 * was at fault.
 */
@Schema(name = "Error",
    description = "An error of MaskAPI or Mavibase: success false, a code, a message and (for a field at fault) "
        + "fields", requiredProperties = {"success", "error", "message"})
public record SuccessFalse(boolean success, String error, String message,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> fields) {

    /** What the error answers of MaskAPI's and Mavibase's calls say in the OpenAPI document. */
    public static final String ERRORS = "An error: 400 validation, 401 credentials or token, 403 refused, 409 user "
        + "exists, 429 too many requests (Retry-After), 503 unavailable";

    public static SuccessFalse of(AuthError e) {
        return new SuccessFalse(false, e.kind().name(), e.message(), e.fields());
    }
}
