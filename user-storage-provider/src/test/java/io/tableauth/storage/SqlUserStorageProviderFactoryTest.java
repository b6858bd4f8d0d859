package io.tableauth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentValidationException;

/** What saving an auth config says about its protected path patterns. */
class SqlUserStorageProviderFactoryTest {

    @Test
    void aPatternOverTheCapsIsRefusedOnSaveNamingTheCap() {
        ComponentValidationException wildcards = assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageProviderFactory.validatePathPatterns(List.of("/api/**", "/*a*a*a*a*a*a*a*a*a*a*b")));
        assertEquals("tableauthPathPattern", wildcards.getMessage());
        assertArrayEquals(new Object[] {"/*a*a*a*a*a*a*a*a*a*a*b", "must hold at most 8 wildcards (* or **)"},
            wildcards.getParameters());

        String tooLong = "/" + "x".repeat(PathPattern.MAX_LENGTH);
        ComponentValidationException length = assertThrows(ComponentValidationException.class,
            () -> SqlUserStorageProviderFactory.validatePathPatterns(List.of(tooLong)));
        assertEquals("must be at most 256 characters long", length.getParameters()[1]);
        assertEquals(80, length.getParameters()[0].toString().length(), "shown shortened: "
            + Arrays.toString(length.getParameters()));
    }

    @Test
    void blankLinesAndPatternsWithinTheCapsAreAccepted() {
        SqlUserStorageProviderFactory.validatePathPatterns(Arrays.asList("", "  ", null, " /api/orders/** ",
            "/*a*a*a*a*a*a*a*b", "/api/admin/"));
    }
}
