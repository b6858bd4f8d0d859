package io.tableauth.rest.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /** The bypasses of issue 36: what the gateway asks about is judged as the upstream routes it. */
    @Test
    void aTrailingSlashDoesNotSlipPastAPatternAndADotSegmentIsNeverJudged() {
        var admin = PathPatterns.get("/api/admin").orElseThrow();
        var payroll = PathPatterns.get("/api/*/payroll").orElseThrow();
        assertTrue(admin.matches(OriginalRequest.normalisedPath("/api/admin")));
        assertTrue(admin.matches(OriginalRequest.normalisedPath("/api/admin/")));
        assertTrue(admin.matches(OriginalRequest.normalisedPath("/api//admin//?x=1")));
        assertTrue(payroll.matches(OriginalRequest.normalisedPath("/api/1/payroll")));
        assertTrue(payroll.matches(OriginalRequest.normalisedPath("/api/1/payroll/")));
        var staff = PathPatterns.get("/api/staff/**").orElseThrow();
        assertThrows(OriginalRequest.Refused.class, () -> OriginalRequest.normalisedPath("/api/staff/%2e%2e"),
            "once judged as /api, which no pattern protects");
        assertTrue(staff.matches(OriginalRequest.normalisedPath("/api/staff/")));
    }

    @Test
    void blankAndInvalidLinesProtectNothingInsteadOfFailingEveryRequest() {
        assertTrue(PathPatterns.get(null).isEmpty());
        assertTrue(PathPatterns.get("   ").isEmpty());
        assertTrue(PathPatterns.get("/api/**x").isEmpty(), "** must be a whole segment: saving refuses it");
        assertTrue(PathPatterns.get("/*a*a*a*a*a*a*a*a*a*a*b").isEmpty(), "over the wildcard cap: saving refuses it");
    }

    @Test
    void aLineIsCompiledOnceAndTheSameTextGivesTheSamePattern() {
        assertSame(PathPatterns.get("/api/orders/**").orElseThrow(), PathPatterns.get(" /api/orders/** ").orElseThrow());
    }
}
