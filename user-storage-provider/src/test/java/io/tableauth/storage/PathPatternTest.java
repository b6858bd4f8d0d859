package io.tableauth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a protected-path pattern matches: Ant-style wildcards, segment by segment, in time linear in each input. */
class PathPatternTest {

    private static boolean matches(String pattern, String path) {
        return PathPattern.parse(pattern).matches(path);
    }

    @Test
    void doubleStarAtTheEndIsThePathAndEverythingBelowIt() {
        assertTrue(matches("/api/admin/**", "/api/admin"));
        assertTrue(matches("/api/admin/**", "/api/admin/users/7"));
        assertFalse(matches("/api/admin/**", "/api/administrators"));
        assertFalse(matches("/api/admin/**", "/api"));
        assertTrue(matches("/**", "/"));
        assertTrue(matches("/**", "/anything/at/all"));
    }

    @Test
    void doubleStarInTheMiddleIsZeroOrMoreWholeSegments() {
        assertTrue(matches("/api/**/reports", "/api/reports"));
        assertTrue(matches("/api/**/reports", "/api/a/b/c/reports"));
        assertFalse(matches("/api/**/reports", "/api/a/b/report"));
        assertFalse(matches("/api/**/reports", "/api/a/reports/x"));
        assertTrue(matches("/**/payroll/**", "/x/y/payroll/2026/01"));
    }

    @Test
    void oneStarStaysWithinOneSegmentAndMayBePartOfOne() {
        assertTrue(matches("/api/*/reports", "/api/sales/reports"));
        assertFalse(matches("/api/*/reports", "/api/sales/q1/reports"));
        assertTrue(matches("/api/v*/users", "/api/v2/users"));
        assertTrue(matches("/api/v*/users", "/api/v/users"), "* may stand for nothing");
        assertTrue(matches("/files/*.json", "/files/a.b.json"));
        assertFalse(matches("/files/*.json", "/files/a.json.bak"));
    }

    @Test
    void aQuestionMarkIsExactlyOneCharacter() {
        assertTrue(matches("/api/v?/x", "/api/v1/x"));
        assertFalse(matches("/api/v?/x", "/api/v10/x"));
        assertFalse(matches("/api/v?/x", "/api/v/x"));
        assertTrue(matches("/u/?", "/u/\uD83D\uDE00"), "one character, even outside the BMP");
    }

    @Test
    void letterCaseIsIgnoredAsUnicodeCaseInsensitiveRegexesIgnoreIt() {
        assertTrue(matches("/api/admin/**", "/API/Admin/users"));
        assertTrue(matches("/Ärzte/*", "/ärzte/1"));
        assertTrue(matches("/api/ADMIN", "/api/admin"));
    }

    @Test
    void aTrailingSlashMatchesAsThePathWithoutIt() {
        assertTrue(matches("/api/admin", "/api/admin/"));
        assertTrue(matches("/api/*/payroll", "/api/1/payroll/"));
        assertTrue(matches("/api/admin/", "/api/admin"), "a pattern written with the slash protects both forms too");
        assertTrue(matches("/api/*", "/api/"), "as before: * may stand for the empty last segment");
        assertTrue(matches("/api/*", "/api"), "so the path without the slash is protected alike");
        assertFalse(matches("/api/admin", "/api/admin/x"));
    }

    @Test
    void emptySegmentsCountAsOneSlash() {
        assertTrue(matches("/api/admin/**", "/api//admin"));
        assertTrue(matches("/api/admin", "//api///admin//"));
        assertTrue(matches("/", "/"));
        assertTrue(matches("/", "//"));
        assertFalse(matches("/", "/x"));
        assertTrue(matches("/*", "/"), "as before: * may stand for nothing");
    }

    @Test
    void anEmptySegmentInAPatternIsRefusedSinceNoPathHasOne() {
        assertTrue(PathPattern.problem("/api//admin").isPresent());
        assertTrue(PathPattern.problem("//").isPresent());
        assertTrue(PathPattern.problem("/").isEmpty());
        assertTrue(PathPattern.problem("/api/").isEmpty(), "a trailing slash is allowed");
        assertThrows(IllegalArgumentException.class, () -> PathPattern.parse("/api//admin"));
    }

    @Test
    void invalidPatternsAreRefusedWithAReason() {
        assertEquals("must start with /", PathPattern.problem("api/x").orElseThrow());
        assertTrue(PathPattern.problem("/api/**x").isPresent());
        assertTrue(PathPattern.problem("/api/../x").isPresent());
        assertTrue(PathPattern.problem("/api/a b").isPresent());
        assertTrue(PathPattern.problem("/api\\x").isPresent());
        assertTrue(PathPattern.problem(null).isPresent());
    }

    @Test
    void aPatternIsCappedInLengthAndWildcardsSoThatEveryMatchIsCheap() {
        String longest = "/" + "a".repeat(PathPattern.MAX_LENGTH - 1);
        assertTrue(PathPattern.problem(longest).isEmpty());
        assertEquals("must be at most 256 characters long", PathPattern.problem(longest + "a").orElseThrow());
        assertTrue(PathPattern.problem("/*a*a*a*a*a*a*a*b").isEmpty(), "8 wildcards");
        assertEquals("must hold at most 8 wildcards (* or **)",
            PathPattern.problem("/*a*a*a*a*a*a*a*a*a*a*b").orElseThrow(), "the pattern of issue 36: 11");
        assertTrue(PathPattern.problem("/**/*/**/*/**/*/**/*").isEmpty(), "** counts as one");
        assertTrue(PathPattern.problem("/**/*/**/*/**/*/**/*/*").isPresent());
        assertTrue(PathPattern.problem("/id/????????-????-????-????-????????????").isEmpty(), "? is not counted");
        assertThrows(IllegalArgumentException.class, () -> PathPattern.parse("/*a*a*a*a*a*a*a*a*a*a*b"));
    }

    @Test
    @Timeout(10) // a guard against a hang, not a benchmark: the regex this replaced needs longer than the test suite
    void manyStarsAgainstANearMissFinishAtOnce() {
        String path = "/" + "a".repeat(4000) + "c";
        assertFalse(matches("/*a*a*a*a*a*a*a*b", path));
        assertFalse(matches("/**/*a*a*/**/*a*a*b", path + "/" + "a".repeat(40) + "/x"));
        String deep = "/a".repeat(2000) + "/c";
        assertFalse(matches("/**/a/**/a/**/a/**/a/**/b", deep));
        assertTrue(matches("/*a*a*a*a*a*a*a*c", path));
    }

    /**
     * The regex this matcher replaced, as it was compiled: on a normalised path (no empty segment, no trailing slash),
     * the matcher answers what the regex answered for the path or the path with a trailing slash.
     */
    @Test
    void agreesWithTheRegexItReplacedOnNormalisedPaths() {
        Random random = new Random(36);
        String[] patternParts = {"a", "b", "A", "*", "?", "a*", "*b", "a?", "**", "*a*", "ab"};
        String[] pathParts = {"a", "b", "ab", "ba", "aab", "A", "B", "abc", "bb"};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder pattern = new StringBuilder();
            int segments = 1 + random.nextInt(4);
            for (int i = 0; i < segments; i++) {
                pattern.append('/').append(patternParts[random.nextInt(patternParts.length)]);
            }
            if (random.nextInt(6) == 0) {
                pattern.append('/');
            }
            StringBuilder path = new StringBuilder();
            int depth = random.nextInt(5);
            for (int i = 0; i < depth; i++) {
                path.append('/').append(pathParts[random.nextInt(pathParts.length)]);
            }
            String p = path.isEmpty() ? "/" : path.toString();
            Pattern old = oldRegex(pattern.toString());
            boolean expected = old.matcher(p).matches() || !p.equals("/") && old.matcher(p + "/").matches();
            assertEquals(expected, matches(pattern.toString(), p), pattern + " against " + p);
        }
    }

    private static Pattern oldRegex(String text) {
        StringBuilder re = new StringBuilder();
        String[] segments = text.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals("**")) {
                re.append(i == segments.length - 1 ? "(?:/.*)?" : "(?:/[^/]+)*");
                continue;
            }
            re.append('/');
            for (char c : segment.toCharArray()) {
                re.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
