package io.tableauth.storage;

import java.util.Map;

/** One row of an auth config's users table, as read: the fields Keycloak needs and the mapped attributes. */
record SqlUserRow(String id, String username, String passwordHash, String salt, String email, String firstName,
                  String lastName, boolean enabled, Map<String, String> attributes) {
}
