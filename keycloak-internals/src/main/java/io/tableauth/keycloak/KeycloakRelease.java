package io.tableauth.keycloak;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Keycloak release as its version string names it ({@code 26.4.7}, {@code 26.4.7.redhat-00001},
 * {@code 999.0.0-SNAPSHOT}), and whether tableauth runs on it. The bundle is compiled against 26.7.0; the minors
 * listed here are the ones its suite passes on (see README's compatibility table).
 */
public record KeycloakRelease(String version, int major, int minor, int patch) {

    /** The Keycloak minors tableauth is tested on and supports, as {@code major.minor}. */
    public static final List<String> SUPPORTED_MINORS = List.of("26.4", "26.5", "26.6", "26.7");

    /** For messages: "Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x". */
    public static final String SUPPORTED_TEXT = "Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x";

    /**
     * The newest patch of each supported minor the suite ran on (README's *Keycloak versions*): a later patch runs,
     * with a note in the log that it is untested.
     */
    public static final Map<String, Integer> TESTED_PATCHES = Map.of("26.4", 7, "26.5", 7, "26.6", 4, "26.7", 5);

    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** The release named by a version string; an unreadable one (null, "UNKNOWN") is major and minor -1. */
    public static KeycloakRelease of(String version) {
        String v = version == null ? "" : version.trim();
        Matcher m = NUMBERS.matcher(v);
        if (!m.find()) {
            return new KeycloakRelease(v.isEmpty() ? "unknown" : v, -1, -1, -1);
        }
        try {
            return new KeycloakRelease(v, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? -1 : Integer.parseInt(m.group(3)));
        } catch (NumberFormatException e) { // digits beyond int
            return new KeycloakRelease(v, -1, -1, -1);
        }
    }

    public boolean supported() {
        return SUPPORTED_MINORS.contains(major + "." + minor);
    }

    /** A supported minor's patch newer than the newest the suite ran on (released after this build). */
    public boolean untestedPatch() {
        Integer tested = TESTED_PATCHES.get(major + "." + minor);
        return supported() && tested != null && patch > tested;
    }

    /** Keycloak 26.4 and older: {@code AuthenticationManager.AuthResult} has getters, not record accessors. */
    boolean before26_5() {
        return major < 26 || major == 26 && minor < 5;
    }

    /** Keycloak 26.5 and older: the password-grant client-policy context takes the form only. */
    boolean before26_6() {
        return major < 26 || major == 26 && minor < 6;
    }

    /** Keycloak 26.6: brute-force detection takes one authentication category (a string), not a set. */
    boolean is26_6() {
        return major == 26 && minor == 6;
    }

    /** What the server log and every tableauth endpoint say on a release tableauth does not run on. */
    public String unsupportedMessage() {
        return "tableauth does not run on Keycloak " + version + ". It supports " + SUPPORTED_TEXT
            + "; install a tableauth release made for this Keycloak, or run a supported Keycloak.";
    }
}
