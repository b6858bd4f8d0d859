package io.tableauth.rest.core;

import java.util.List;
import java.util.Map;

import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * A user as the dialects show it. {@code id} is Keycloak's user id, the {@code sub} of the user's tokens (for a user
 * of a SQL auth config it is {@code f:<auth config id>:<row id>}).
 */
public record AuthUser(String id, String username, String email, String firstName, String lastName,
                       boolean emailVerified, Long createdTimestamp, Map<String, List<String>> attributes) {

    public static AuthUser of(UserModel user) {
        Map<String, List<String>> attributes = user.getAttributes();
        return new AuthUser(user.getId(), user.getUsername(), user.getEmail(), user.getFirstName(), user.getLastName(),
            user.isEmailVerified(), user.getCreatedTimestamp(), attributes == null ? Map.of() : attributes);
    }

    /** The user's effective realm roles (without the realm's default role), for dialects that show permissions. */
    public static List<String> realmRoles(RealmModel realm, UserModel user) {
        return realm.getRolesStream().filter(user::hasRole).map(RoleModel::getName)
            .filter(n -> !n.equals(realm.getDefaultRole().getName()))
            .sorted().toList();
    }

    /** First and last name joined, or null when neither is set. */
    public String name() {
        String n = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
        return n.isEmpty() ? null : n;
    }

    public String attribute(String name) {
        List<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
