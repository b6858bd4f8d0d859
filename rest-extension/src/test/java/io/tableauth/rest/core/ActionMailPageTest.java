package io.tableauth.rest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

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
