package io.tableauth.storage;

/**
 * One column holding the whole name (Laravel's and Prisma's {@code name}), seen as Keycloak's first and last name:
 * the last word is the last name, the words before it the first name, and a single word is the first name (so a
 * first name written alone reads back as one).
 */
final class FullName {

    private FullName() {
    }

    /** {@code [first, last]}, either null when absent. */
    static String[] split(String full) {
        if (full == null || full.isBlank()) {
            return new String[] {null, null};
        }
        String name = full.trim();
        int space = name.lastIndexOf(' ');
        return space < 0 ? new String[] {name, null}
            : new String[] {name.substring(0, space).trim(), name.substring(space + 1)};
    }

    /** The whole name from its parts, as written back: "first last", or whichever part there is. */
    static String join(String first, String last) {
        String f = first == null ? "" : first.trim();
        String l = last == null ? "" : last.trim();
        String joined = (f + " " + l).trim();
        return joined.isEmpty() ? null : joined;
    }
}
