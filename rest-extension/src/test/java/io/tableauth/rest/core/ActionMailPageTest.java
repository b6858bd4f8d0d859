package io.tableauth.rest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The page a mailed link (reset, magic link) leads to: only one of the realm's allowed pages, compared by scheme,
 * host and path; the caller may add a query, never another host.
 */
class ActionMailPageTest {

    static final List<String> ALLOWED = List.of("https://app.example.com/magic", "https://other.example.com/login");

    static String page(String requested) {
        return ActionMail.page(ALLOWED, requested, "redirectUrl", "none set", "The redirect URL");
    }

    @Test
    void noneAskedForIsTheFirstAllowedPage() {
        assertEquals("https://app.example.com/magic", page(null));
        assertEquals("https://app.example.com/magic", page("  "));
        AuthError unset = assertThrows(AuthError.class,
            () -> ActionMail.page(List.of(), null, "redirectUrl", "none set", "The redirect URL"));
        assertEquals(AuthError.Kind.MISCONFIGURED, unset.kind());
    }

    @Test
    void anAllowedPageKeepsItsQueryAndLosesItsFragment() {
        assertEquals("https://other.example.com/login?next=%2Fhome", page("https://other.example.com/login?next=%2Fhome"));
        assertEquals("https://app.example.com/magic?a=1", page("https://app.example.com/magic?a=1#frag"));
        assertEquals("HTTPS://APP.example.com/magic", page("HTTPS://APP.example.com/magic"), "scheme and host any case");
        assertEquals("https://app.example.com/magic/", page("https://app.example.com/magic/"), "a trailing slash");
    }

    @Test
    void aPageIsAtMost2048CharactersAndReadInOnePass() {
        String longest = "https://app.example.com/magic?pad=" + "a".repeat(2048 - 34);
        assertEquals(2048, longest.length());
        assertEquals(longest, page(longest));
        AuthError tooLong = assertThrows(AuthError.class, () -> page(longest + "a"));
        assertEquals(AuthError.Kind.VALIDATION, tooLong.kind());
        assertEquals(Map.of("redirectUrl", "The redirect URL is longer than 2048 characters."), tooLong.fields());
        assertEquals("https://app.example.com/magic///", page("https://app.example.com/magic///"));
    }

    @Test
    @Timeout(10) // a guard against a hang, not a benchmark: /+$ took 14 s on 60,000 slashes
    void slashesByTheThousandAreRefusedAtOnce() {
        String slashes = "https://app.example.com/" + "/".repeat(60_000) + "x";
        assertEquals(AuthError.Kind.VALIDATION, assertThrows(AuthError.class, () -> page(slashes)).kind());
        String within = "https://app.example.com" + "/".repeat(2000) + "x";
        assertEquals(Map.of("redirectUrl", "The redirect URL is not on the allow list."),
            assertThrows(AuthError.class, () -> page(within)).fields());
        AuthError noneAllowed = assertThrows(AuthError.class,
            () -> ActionMail.page(List.of(), slashes, "redirectUrl", "none set", "The redirect URL"));
        assertEquals(Map.of("redirectUrl", "The redirect URL is not on the allow list."), noneAllowed.fields(),
            "a realm that allows no page refuses every page without reading it");
        assertEquals("https://app.example.com", TableauthSettings.normaliseResetUrl("https://app.example.com"
            + "/".repeat(1_000_000)));
        assertEquals("https://app.example.com/" + "/".repeat(100_000) + "x",
            TableauthSettings.normaliseResetUrl("https://app.example.com/" + "/".repeat(100_000) + "x"));
    }

    @Test
    void anythingElseIsRefusedNamingTheField() {
        for (String evil : List.of("https://evil.example.com/magic", "https://app.example.com.evil.test/magic",
            "https://app.example.com/magic/../admin", "https://app.example.com/other", "http://app.example.com/magic",
            "javascript:alert(1)", "//app.example.com/magic", "https://app.example.com@evil.test/magic",
            "not a url at all")) {
            AuthError refused = assertThrows(AuthError.class, () -> page(evil), evil);
            assertEquals(AuthError.Kind.VALIDATION, refused.kind(), evil);
            assertEquals(List.of("redirectUrl"), List.copyOf(refused.fields().keySet()), evil);
        }
    }
}
