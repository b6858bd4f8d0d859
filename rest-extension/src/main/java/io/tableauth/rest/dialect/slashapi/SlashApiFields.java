package io.tableauth.rest.dialect.slashapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.InputLimits;

/**
 * SlashApi's request fields ({@link SlashApi.Fields}), read one by one from {@code data} (or from the bare body of the
 * documented login), so that each wrong one gets Laravel's own message under its own name ({@code data.email}).
 */
final class SlashApiFields {

    static final String INVALID = SlashApiErrors.INVALID;

    private SlashApiFields() {
    }

    /** The {@code data} object of a body, or the body itself when it has none (the documented login body). */
    static JsonNode data(ObjectNode body) {
        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            return body;
        }
        if (!data.isObject()) {
            throw AuthError.validation("data", "The data must be an object.");
        }
        return data;
    }

    /** Laravel's required (and, for new users, email) rules on the two fields; the messages name them as sent. */
    static void requireEmailAndPassword(String prefix, String email, String password, boolean emailFormat) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (email == null || email.isBlank()) {
            errors.put("email", "The " + prefix + "email field is required.");
        } else if (emailFormat && !validEmail(email.trim())) {
            errors.put("email", "The " + prefix + "email must be a valid email address.");
        }
        if (password == null || password.isEmpty()) {
            errors.put("password", "The " + prefix + "password field is required.");
        }
        if (!errors.isEmpty()) {
            throw new AuthError(AuthError.Kind.VALIDATION, INVALID, errors);
        }
    }

    /**
     * Laravel's email rule as this dialect has always read it: no white space, one {@code @} after a non-empty local
     * part, and a dot in the domain with something on both sides; at most {@link InputLimits#MAX_EMAIL_LENGTH}
     * characters. One pass: the regex it replaces, {@code ^[^@\s]+@[^@\s]+\.[^@\s]+$}, backtracked
     * quadratically on {@code a@} + dots + {@code @} (40,000 dots took 17 s, before the sign-up was counted).
     */
    static boolean validEmail(String email) {
        if (email.length() > InputLimits.MAX_EMAIL_LENGTH) {
            return false;
        }
        int at = -1;
        for (int i = 0; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r') { // the regex's \s
                return false;
            }
            if (c == '@') {
                if (at >= 0) {
                    return false;
                }
                at = i;
            }
        }
        if (at < 1) {
            return false;
        }
        for (int i = at + 2; i < email.length() - 1; i++) {
            if (email.charAt(i) == '.') {
                return true;
            }
        }
        return false;
    }

    static String field(JsonNode data, String name) {
        JsonNode v = data.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new AuthError(AuthError.Kind.VALIDATION, INVALID, Map.of(name, "The " + name + " must be a string."));
        }
        return v.asText();
    }

    static List<String> permissions(JsonNode data) {
        JsonNode v = data.get("permissions");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new AuthError(AuthError.Kind.VALIDATION, INVALID,
                Map.of("permissions", "The data.permissions must be an array."));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode p : v) {
            if (!p.isTextual()) {
                throw new AuthError(AuthError.Kind.VALIDATION, INVALID,
                    Map.of("permissions", "The data.permissions must be an array of strings."));
            }
            out.add(p.asText());
        }
        return out;
    }

    static String customAttributes(JsonNode data) {
        JsonNode v = data.get("custom_attributes");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new AuthError(AuthError.Kind.VALIDATION, INVALID,
                Map.of("custom_attributes", "The data.custom_attributes must be an object."));
        }
        return v.toString();
    }
}
