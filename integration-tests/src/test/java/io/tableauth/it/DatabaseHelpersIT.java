package io.tableauth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.tableauth.it.support.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-class database helpers: a fresh, private, writable database on each real server, gone afterwards. */
class DatabaseHelpersIT {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void createsAPrivateWritableDatabaseAndDropsItAfterwards(TestDatabase.Kind kind) throws Exception {
        String name;
        try (TestDatabase first = create(kind); TestDatabase second = create(kind)) {
            name = first.name();
            assertNotEquals(first.name(), second.name(), "each test class gets its own database");
            assertTrue(TestDatabase.exists(kind, name));
            try (Connection c = first.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(255) NOT NULL)");
                s.execute("INSERT INTO users (id, email) VALUES (1, 'a@example.com')");
                try (ResultSet rs = s.executeQuery("SELECT email FROM users WHERE id = 1")) {
                    assertTrue(rs.next());
                    assertEquals("a@example.com", rs.getString(1));
                }
            }
            try (Connection c = second.connect();
                 ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), kind == TestDatabase.Kind.H2 ? "USERS" : "users", null)) {
                assertFalse(rs.next(), "a table made in one test database must not show in another");
            }
        }
        assertFalse(TestDatabase.exists(kind, name), name + " should be dropped on close");
    }

    private static TestDatabase create(TestDatabase.Kind kind) {
        return TestDatabase.of(kind).create();
    }
}
