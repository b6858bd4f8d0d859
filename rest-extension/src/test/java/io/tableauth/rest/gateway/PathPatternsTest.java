package io.tableauth.rest.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The compile cache of protected-path patterns: what a configured line protects, and what it cannot. */
class PathPatternsTest {

    @Test
    void aConfiguredLineProtectsItsPathAndBelowWhateverTheLetterCase() {
        var pattern = PathPatterns.get("  /api/admin/**  ").orElseThrow();
        assertTrue(pattern.matches("/api/admin"));
        assertTrue(pattern.matches("/api/admin/users/7"));
        assertTrue(pattern.matches("/API/Admin/users"), "routers that ignore case route this to /api/admin");
        assertFalse(pattern.matches("/api/administrators"), "a longer segment is another path");
        assertFalse(pattern.matches("/api/orders/1"));
    }

    @Test
    void oneStarIsOneSegment() {
        var pattern = PathPatterns.get("/api/*/reports").orElseThrow();
        assertTrue(pattern.matches("/api/sales/reports"));
        assertFalse(pattern.matches("/api/sales/q1/reports"));
    }

    @Test
    void blankAndInvalidLinesProtectNothingInsteadOfFailingEveryRequest() {
        assertTrue(PathPatterns.get(null).isEmpty());
        assertTrue(PathPatterns.get("   ").isEmpty());
        assertTrue(PathPatterns.get("/api/**x").isEmpty(), "** must be a whole segment: saving refuses it");
    }

    @Test
    void aLineIsCompiledOnceAndTheSameTextGivesTheSamePattern() {
        assertSame(PathPatterns.get("/api/orders/**").orElseThrow(), PathPatterns.get(" /api/orders/** ").orElseThrow());
    }
}
