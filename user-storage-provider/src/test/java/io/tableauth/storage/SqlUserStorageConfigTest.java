package io.tableauth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.tableauth.storage.hash.HashTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

class SqlUserStorageConfigTest {

    private static ComponentModel model(Map<String, String> config) {
        ComponentModel model = new ComponentModel();
        MultivaluedHashMap<String, String> map = new MultivaluedHashMap<>();
        map.putSingle("jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/app?password=s3cret");
        map.putSingle("dbPassword", "hunter2");
        map.putSingle("table", "users");
        map.putSingle("idColumn", "id");
        map.putSingle("credentialColumns", "email, username");
        map.putSingle("passwordColumn", "password");
        config.forEach(map::putSingle);
        model.setConfig(map);
        return model;
    }

    @Test
    void readsSettingsWithSafeDefaults() {
        SqlUserStorageConfig c = SqlUserStorageConfig.from(model(Map.of()));
        assertEquals(List.of("email", "username"), c.credentialColumns().stream().map(SqlIdentifier::name).toList());
        assertNull(c.hashFormat(), "auto-detect by default");
        assertFalse(c.allowLegacyHashes());
        assertFalse(c.writable(), "read-only by default");
        assertFalse(c.signupAllowed());
        assertEquals(HashTarget.BCRYPT_2Y, c.hashTarget());
        assertEquals(12, c.bcryptCost());
        assertTrue(c.caseInsensitiveCredentials());
    }

    @Test
    void columnsDefaultAsDocumentedWhenAConfigComesWithoutThem() {
        ComponentModel model = model(Map.of());
        model.getConfig().remove("idColumn");
        model.getConfig().remove("credentialColumns");
        model.getConfig().remove("passwordColumn");
        SqlUserStorageConfig c = SqlUserStorageConfig.from(model);
        assertEquals("id", c.idColumn().name());
        assertEquals(List.of("email"), c.credentialColumns().stream().map(SqlIdentifier::name).toList());
        assertEquals("password", c.passwordColumn().name());
        model.getConfig().remove("table");
        assertEquals("tableauthRequired", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.from(model)).getMessage(), "the table has no default");
    }

    @Test
    void equalSettingsAreEqualSoThePoolIsReusedAndDifferentOnesAreNot() {
        assertEquals(SqlUserStorageConfig.from(model(Map.of())), SqlUserStorageConfig.from(model(Map.of())));
        assertNotEquals(SqlUserStorageConfig.from(model(Map.of())),
            SqlUserStorageConfig.from(model(Map.of("maxPoolSize", "3"))));
    }

    @Test
    void toStringNeverShowsAPassword() {
        String s = SqlUserStorageConfig.from(model(Map.of())).toString();
        assertFalse(s.contains("hunter2"), s);
        assertFalse(s.contains("s3cret"), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"users; DROP TABLE users", "users--", "\"users\"", "1users", "a.b.c", "us ers", "users`"})
    void refusesTableNamesThatAreNotPlainIdentifiers(String table) {
        ComponentValidationException e = assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.from(model(Map.of("table", table))));
        assertEquals("tableauthInvalidIdentifier", e.getMessage());
    }

    @Test
    void acceptsSchemaQualifiedTables() {
        SqlIdentifier t = SqlUserStorageConfig.from(model(Map.of("table", "app.users"))).table();
        assertEquals("app", t.schema());
        assertEquals("users", t.name());
    }

    @Test
    void parsesAttributeMappingsAndRefusesBadOnes() {
        assertEquals(Map.of("isActive", new SqlIdentifier(null, "is_active"), "role", new SqlIdentifier(null, "role")),
            SqlUserStorageConfig.attributeMappings(List.of("is_active=isActive", " role = role ", "")));
        assertEquals("tableauthInvalidMapping", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.attributeMappings(List.of("is_active"))).getMessage());
        assertEquals("tableauthInvalidAttributeName", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.attributeMappings(List.of("mail=email"))).getMessage());
        assertEquals("tableauthInvalidIdentifier", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.attributeMappings(List.of("x)--=isActive"))).getMessage());
        assertEquals("tableauthDuplicateAttribute", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.attributeMappings(List.of("a=role", "b=role"))).getMessage());
    }

    @Test
    void legacyFixedFormatNeedsLegacyAllowed() {
        assertEquals("tableauthLegacyNotAllowed", assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageConfig.from(model(Map.of("hashFormat", "md5")))).getMessage());
        assertTrue(SqlUserStorageConfig.from(model(Map.of("hashFormat", "md5", "allowLegacyHashes", "true")))
            .allowLegacyHashes());
    }

    @Test
    void refusesOutOfRangeNumbersAndUnknownChoices() {
        for (Map<String, String> bad : List.of(Map.of("bcryptCost", "3"), Map.of("bcryptCost", "x"),
            Map.of("maxPoolSize", "0"), Map.of("editMode", "SOMETIMES"), Map.of("hashTarget", "md5"),
            Map.of("jdbcUrl", "postgresql://x"))) {
            assertThrows(ComponentValidationException.class, () -> SqlUserStorageConfig.from(model(bad)), bad.toString());
        }
    }
}
