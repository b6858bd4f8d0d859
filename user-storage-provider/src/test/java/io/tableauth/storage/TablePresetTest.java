package io.tableauth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/** What a preset fills and what it leaves; full names; cuids; insert defaults and status values as read. */
class TablePresetTest {

    private static ComponentModel model(Map<String, String> config) {
        ComponentModel model = new ComponentModel();
        MultivaluedHashMap<String, String> map = new MultivaluedHashMap<>();
        config.forEach(map::putSingle);
        model.setConfig(map);
        return model;
    }

    @Test
    void aPresetFillsWhatWasLeftEmptyOrAtTheConsoleDefaultAndKeepsWhatWasTyped() {
        ComponentModel m = model(Map.of("idColumn", "id", "passwordColumn", "password", "hashTarget", "bcrypt-2y",
            "bcryptCost", "12", "credentialColumns", "login"));
        TablePreset.of("devise").fill(m);
        assertEquals("encrypted_password", m.get("passwordColumn"), "the console's pre-filled default is replaced");
        assertEquals("bcrypt-2a", m.get("hashTarget"));
        assertEquals("users", m.get("table"), "empty is filled");
        assertEquals("login", m.get("credentialColumns"), "typed wins");
    }

    @Test
    void columnsSomeTablesLackAreFilledOnlyWhenTheTableHasThem() {
        ComponentModel m = model(Map.of());
        TablePreset.DEVISE.fillExisting(m, Set.of("id", "email", "created_at", "updated_at"));
        assertEquals("created_at", m.get("createdAtColumn"));
        assertNull(m.get("emailVerifiedColumn"), "no confirmable columns, no mapping");
        TablePreset.DJANGO.fill(m = model(Map.of()));
        assertEquals(List.of("is_superuser=false", "is_staff=false"), m.getConfig().get("insertDefaults"));
    }

    @Test
    void customFillsNothingAndUnknownPresetsAreRefused() {
        ComponentModel m = model(Map.of());
        TablePreset.of("").fill(m);
        TablePreset.of(null).fill(m);
        assertTrue(m.getConfig().isEmpty());
        assertEquals(TablePreset.PRISMA, TablePreset.of(" Prisma "));
        assertThrows(ComponentValidationException.class, () -> TablePreset.of("rails"));
    }

    @Test
    void fullNamesSplitAtTheLastWordAndJoinBack() {
        assertEquals(List.of("Grace Brewster", "Hopper"), List.of(FullName.split(" Grace Brewster Hopper ")));
        String[] single = FullName.split("Cher");
        assertEquals("Cher", single[0]);
        assertNull(single[1]);
        assertNull(FullName.split("  ")[0]);
        assertEquals("Grace Hopper", FullName.join("Grace", "Hopper"));
        assertEquals("Cher", FullName.join("Cher", null));
        assertEquals("Hopper", FullName.join(" ", "Hopper"));
        assertNull(FullName.join(null, ""));
    }

    @Test
    void cuidsHavePrismasShapeAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Cuid.next();
            assertTrue(id.matches("c[0-9a-z]{24}"), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
        assertNotEquals(Cuid.next().substring(13), Cuid.next().substring(13), "random tails differ");
    }

    @Test
    void insertDefaultsAndEnabledValuesAreReadAsTyped() {
        ComponentModel m = model(Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1/app", "table", "users",
            "enabledValues", "active, trial,,active"));
        m.getConfig().put("insertDefaults", List.of("is_staff = false", "plan=free=basic", " "));
        SqlUserStorageConfig c = SqlUserStorageConfig.from(m);
        assertEquals(List.of("active", "trial"), c.enabledValues(), "in order, once each");
        assertEquals(Map.of("is_staff", "false", "plan", "free=basic"), c.insertDefaults());
        m.getConfig().put("insertDefaults", List.of("no equals sign"));
        assertThrows(ComponentValidationException.class, () -> SqlUserStorageConfig.from(m));
        m.getConfig().put("insertDefaults", List.of("a=1", "a=2"));
        assertThrows(ComponentValidationException.class, () -> SqlUserStorageConfig.from(m));
    }
}
