package io.tableauth.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A protected API path pattern of an auth config, Ant style: {@code /api/orders/**} (the path and everything
 * below it), {@code /api/*}{@code /reports} ({@code *} is one path segment or part of one), {@code ?} one
 * character. Matching ignores letter case (Express and many routers route {@code /Admin} as {@code /admin}) and is
 * against the decoded, normalised path without its query.
 *
 * <p>A path is its non-empty segments: {@code //} counts as {@code /}, and a trailing slash matches as the path
 * without it (a path is protected when it or the same path with a trailing slash matches). Matching goes segment by
 * segment with the greedy two-pointer wildcard algorithm, at both levels ({@code **} over segments, {@code *} over the
 * characters of one segment), never with a backtracking regex: it compares each pattern segment with each path segment
 * at most once, so a match takes in the order of (pattern length + 1) × (path length + 1) steps at most, twice: for
 * the caps below and a 4 KiB path, a few million at the very worst, whatever the pattern and the path.
 */
public final class PathPattern {

    /** Longest pattern accepted, in characters. */
    public static final int MAX_LENGTH = 256;
    /** Most {@code *} and {@code **} wildcards one pattern may hold ({@code ?} is not counted). */
    public static final int MAX_WILDCARDS = 8;

    /** In a segment's code points: {@code *}, any run of characters within the segment. */
    private static final int STAR = -1;
    /** In a segment's code points: {@code ?}, one character. */
    private static final int ONE = -2;
    /** A {@code **} segment: any run of whole segments, none included. */
    private static final int[] ANY_SEGMENTS = new int[0];
    private static final int[] EMPTY = new int[0];

    private final String text;
    /** Each segment's code points, letter case folded, wildcards as {@link #STAR} and {@link #ONE}. */
    private final int[][] segments;

    private PathPattern(String text, int[][] segments) {
        this.text = text;
        this.segments = segments;
    }

    public String text() {
        return text;
    }

    /** Whether the path (decoded, without its query) is one this pattern protects. */
    public boolean matches(String path) {
        int[][] parts = pathSegments(path);
        // the path as it is, and with a trailing slash: "/api/admin/" is judged as "/api/admin" and the other way round
        return matches(parts, false) || matches(parts, true);
    }

    /** The greedy two-pointer wildcard match over segments: {@code **} is the wildcard, a segment one element. */
    private boolean matches(int[][] path, boolean trailingSlash) {
        int n = path.length + (trailingSlash ? 1 : 0);
        int m = segments.length;
        int p = 0;
        int s = 0;
        int star = -1;
        int mark = 0;
        while (s < n) {
            int[] segment = s < path.length ? path[s] : EMPTY;
            if (p < m && segments[p] == ANY_SEGMENTS) {
                star = p++;
                mark = s;
            } else if (p < m && glob(segments[p], segment)) {
                p++;
                s++;
            } else if (star >= 0) {
                p = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (p < m && segments[p] == ANY_SEGMENTS) {
            p++;
        }
        return p == m;
    }

    /** The same algorithm within one segment: {@code *} the wildcard, {@code ?} any one character. */
    private static boolean glob(int[] pattern, int[] segment) {
        int p = 0;
        int s = 0;
        int star = -1;
        int mark = 0;
        while (s < segment.length) {
            if (p < pattern.length && pattern[p] == STAR) {
                star = p++;
                mark = s;
            } else if (p < pattern.length && (pattern[p] == ONE || pattern[p] == segment[s])) {
                p++;
                s++;
            } else if (star >= 0) {
                p = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == STAR) {
            p++;
        }
        return p == pattern.length;
    }

    /** Parses a pattern; an invalid one gives a message for the admin console. */
    public static PathPattern parse(String text) {
        String problem = problem(text).orElse(null);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String[] parts = text.substring(1).split("/", -1);
        int[][] segments = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("**")) {
                segments[i] = ANY_SEGMENTS;
            } else {
                segments[i] = parts[i].codePoints()
                    .map(c -> c == '*' ? STAR : c == '?' ? ONE : fold(c)).toArray();
            }
        }
        return new PathPattern(text, segments);
    }

    /** Why a pattern is not valid, if it is not. */
    public static Optional<String> problem(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '/') {
            return Optional.of("must start with /");
        }
        if (text.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters long");
        }
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\\') {
                return Optional.of("must not contain spaces, control characters or backslashes");
            }
        }
        String[] segments = text.substring(1).split("/", -1);
        int wildcards = 0;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.contains("**") && !segment.equals("**")) {
                return Optional.of("** must be a whole path segment, as in /api/**");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must not contain . or .. segments");
            }
            if (segment.isEmpty() && i < segments.length - 1) {
                return Optional.of("must not contain an empty segment (//): paths are matched with // read as /");
            }
            wildcards += segment.equals("**") ? 1 : (int) segment.chars().filter(c -> c == '*').count();
        }
        if (wildcards > MAX_WILDCARDS) {
            return Optional.of("must hold at most " + MAX_WILDCARDS + " wildcards (* or **)");
        }
        return Optional.empty();
    }

    /** A path's non-empty segments, letter case folded. */
    private static int[][] pathSegments(String path) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start) {
                    out.add(path.substring(start, i).codePoints().map(PathPattern::fold).toArray());
                }
                start = i + 1;
            }
        }
        return out.toArray(new int[0][]);
    }

    /** Letter case as {@code CASE_INSENSITIVE | UNICODE_CASE} regexes compare it. */
    private static int fold(int codePoint) {
        return Character.toLowerCase(Character.toUpperCase(codePoint));
    }

    @Override
    public String toString() {
        return text;
    }
}
