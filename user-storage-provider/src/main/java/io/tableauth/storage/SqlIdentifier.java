package io.tableauth.storage;

import java.util.regex.Pattern;

import org.keycloak.component.ComponentValidationException;

/**
 * A table or column name from an auth config. Only plain identifiers pass (letters, digits, underscore, not
 * starting with a digit; a table may be {@code schema.table}), so nothing an admin types can change a statement's
 * shape; the names are then matched against the database's own catalogue and quoted with its quote character.
 */
public record SqlIdentifier(String schema, String name) {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** A column name; {@code field} names the config field for the error message. */
    public static SqlIdentifier column(String field, String value) {
        String v = value == null ? "" : value.trim();
        if (!PLAIN.matcher(v).matches()) {
            throw new ComponentValidationException("tableauthInvalidIdentifier", field, v);
        }
        return new SqlIdentifier(null, v);
    }

    /** A table name, optionally {@code schema.table}. */
    public static SqlIdentifier table(String field, String value) {
        String v = value == null ? "" : value.trim();
        int dot = v.indexOf('.');
        String schema = dot < 0 ? null : v.substring(0, dot);
        String name = dot < 0 ? v : v.substring(dot + 1);
        if ((schema != null && !PLAIN.matcher(schema).matches()) || !PLAIN.matcher(name).matches()) {
            throw new ComponentValidationException("tableauthInvalidIdentifier", field, v);
        }
        return new SqlIdentifier(schema, name);
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }
}
