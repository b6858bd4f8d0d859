package io.tableauth.storage;

import java.util.Map;

/**
 * One row of an auth config's users table, as read: the fields Keycloak needs and the mapped attributes. First and
 * last name are derived from the full-name column when the config has one; {@code emailVerified} is null when no
 * column holds it (Keycloak keeps it then).
 */
record SqlUserRow(String id, String username, String passwordHash, String salt, String email, String firstName,
                  String lastName, boolean enabled, Map<String, String> attributes, Boolean emailVerified) {
}
