package io.tableauth.rest.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The origin a cookie-authenticated call came from, read from Origin or Referer: only the origin part is parsed. */
class OriginOfTest {

    @Test
    void theOriginOfAUrlIsSchemeHostAndPort() {
        assertEquals("https://app.example.com", DialectResource.originOf("https://app.example.com"));
        assertEquals("https://app.example.com", DialectResource.originOf("https://app.example.com/a/b?c=d#e"));
        assertEquals("http://localhost:3000", DialectResource.originOf("http://localhost:3000/login"));
        assertEquals("https://evil.test", DialectResource.originOf("https://app.example.com@evil.test/"));
        assertNull(DialectResource.originOf("null"));
        assertNull(DialectResource.originOf("/relative?next=https://app.example.com"));
        assertNull(DialectResource.originOf("https://app.exa\\mple.com/"));
    }

    @Test
    void aLongRefererKeepsItsOriginAndAnOverlongOriginHasNone() {
        String referer = "https://app.example.com/search?q=" + "x".repeat(100_000);
        assertEquals("https://app.example.com", DialectResource.originOf(referer));
        assertNull(DialectResource.originOf("https://" + "a".repeat(3000) + ".example.com/"));
        assertNull(DialectResource.originOf("x".repeat(3000) + "://app.example.com"));
    }
}
