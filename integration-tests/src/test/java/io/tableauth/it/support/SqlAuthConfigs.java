package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

/** SQL auth configs as tests make them: through the admin REST API, exactly what the admin console saves. */
public final class SqlAuthConfigs {

    private SqlAuthConfigs() {
    }

    /** The settings that reach {@code db}: its JDBC URL, user and password; callers add the rest. */
    public static MultivaluedHashMap<String, String> connection(TestDatabase db) {
        MultivaluedHashMap<String, String> c = new MultivaluedHashMap<>();
        c.putSingle("jdbcUrl", db.jdbcUrl());
        c.putSingle("dbUser", db.user());
        c.putSingle("dbPassword", db.password());
        return c;
    }

    /**
     * Settings of a config over a test users table (id, the credential columns, password, email, first_name,
     * last_name, is_active, role mapped to the attribute {@code role}), plus {@code extra}.
     */
    public static MultivaluedHashMap<String, String> over(TestDatabase db, String table, String credentialColumns,
                                                          Map<String, String> extra) {
        MultivaluedHashMap<String, String> c = connection(db);
        c.putSingle("table", table);
        c.putSingle("idColumn", "id");
        c.putSingle("credentialColumns", credentialColumns);
        c.putSingle("passwordColumn", "password");
        c.putSingle("emailColumn", "email");
        c.putSingle("firstNameColumn", "first_name");
        c.putSingle("lastNameColumn", "last_name");
        c.putSingle("enabledColumn", "is_active");
        c.put("attributeMappings", List.of("role=role"));
        extra.forEach(c::putSingle);
        return c;
    }

    /** The component of a config named {@code name} in the realm, not yet saved. */
    public static ComponentRepresentation component(TestRealm realm, String name,
                                                    MultivaluedHashMap<String, String> config) {
        ComponentRepresentation c = new ComponentRepresentation();
        c.setName(name);
        c.setProviderId("tableauth-sql");
        c.setProviderType("org.keycloak.storage.UserStorageProvider");
        c.setParentId(realm.admin().toRepresentation().getId());
        c.setConfig(config);
        return c;
    }

    /** Saves a config with the given priority; fails the test with Keycloak's message if it is refused. */
    public static String add(TestRealm realm, String name, int priority, MultivaluedHashMap<String, String> config) {
        config.putSingle("priority", Integer.toString(priority));
        try (Response r = realm.admin().components().add(component(realm, name, config))) {
            assertEquals(201, r.getStatus(), () -> "creating config " + name + ": " + r.readEntity(String.class));
            return CreatedResponseUtil.getCreatedId(r);
        }
    }
}
