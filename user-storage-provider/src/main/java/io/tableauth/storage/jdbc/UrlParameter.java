package io.tableauth.storage.jdbc;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One JDBC URL parameter a realm admin may set, with the values it accepts. Values are checked here, so the URL
 * tableauth hands the driver holds only names and values tableauth chose to pass.
 */
record UrlParameter(String name, Type type, long min, long max, List<String> choices) {

    enum Type { BOOLEAN, INTEGER, CHOICE, TEXT }

    /** Text values: no separators of any driver's URL grammar ({@code & ; = ? %}), no quotes, no backslash. */
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 _.,:/+@-]{0,128}");

    static UrlParameter bool(String name) {
        return new UrlParameter(name, Type.BOOLEAN, 0, 0, List.of());
    }

    static UrlParameter integer(String name, long min, long max) {
        return new UrlParameter(name, Type.INTEGER, min, max, List.of());
    }

    static UrlParameter choice(String name, String... choices) {
        return new UrlParameter(name, Type.CHOICE, 0, 0, Arrays.asList(choices));
    }

    static UrlParameter text(String name) {
        return new UrlParameter(name, Type.TEXT, 0, 0, List.of());
    }

    /** The value as tableauth passes it on, or {@code null} when the value is not one this parameter takes. */
    String normalise(String value) {
        String v = value == null ? "" : value.trim();
        return switch (type) {
            // a bare name (?ssl) means true, as the drivers read it
            case BOOLEAN -> v.isEmpty() ? "true"
                : v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? v.toLowerCase(Locale.ROOT) : null;
            case INTEGER -> {
                try {
                    long n = Long.parseLong(v);
                    yield n >= min && n <= max ? Long.toString(n) : null;
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            case CHOICE -> choices.stream().filter(c -> c.equalsIgnoreCase(v)).findFirst().orElse(null);
            case TEXT -> TEXT.matcher(v).matches() ? v : null;
        };
    }

    /** What the value must be, for the admin console's message. */
    String expected() {
        return switch (type) {
            case BOOLEAN -> "true or false";
            case INTEGER -> "a whole number from " + min + " to " + max;
            case CHOICE -> "one of " + String.join(", ", choices);
            case TEXT -> "at most 128 letters, digits, spaces and _ . , : / + @ -";
        };
    }
}
