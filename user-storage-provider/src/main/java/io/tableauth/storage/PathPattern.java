package io.tableauth.storage;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A protected API path pattern of an auth config, Ant style: {@code /api/orders/**} (the path and everything
 * below it), {@code /api/*}{@code /reports} ({@code *} is one path segment or part of one), {@code ?} one
 * character. Matching ignores letter case (Express and many routers route {@code /Admin} as {@code /admin}) and is
 * against the decoded, normalised path without its query.
 */
public final class PathPattern {

    private final String text;
    private final Pattern regex;

    private PathPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    public String text() {
        return text;
    }

    public boolean matches(String path) {
        return regex.matcher(path).matches();
    }

    /** Parses a pattern; an invalid one gives a message for the admin console. */
    public static PathPattern parse(String text) {
        String problem = problem(text).orElse(null);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        StringBuilder re = new StringBuilder();
        String[] segments = text.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals("**")) {
                // "/**" at the end: the path itself or anything below; in the middle: zero or more segments
                re.append(last ? "(?:/.*)?" : "(?:/[^/]+)*");
                continue;
            }
            re.append('/');
            StringBuilder literal = new StringBuilder();
            for (char c : segment.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (!literal.isEmpty()) {
                        re.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    re.append(c == '*' ? "[^/]*" : "[^/]");
                } else {
                    literal.append(c);
                }
            }
            if (!literal.isEmpty()) {
                re.append(Pattern.quote(literal.toString()));
            }
        }
        return new PathPattern(text, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** Why a pattern is not valid, if it is not. */
    public static Optional<String> problem(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '/') {
            return Optional.of("must start with /");
        }
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\\') {
                return Optional.of("must not contain spaces, control characters or backslashes");
            }
        }
        for (String segment : text.substring(1).split("/", -1)) {
            if (segment.contains("**") && !segment.equals("**")) {
                return Optional.of("** must be a whole path segment, as in /api/**");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must not contain . or .. segments");
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return text;
    }
}
