package io.tableauth.rest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import io.tableauth.rest.core.InputLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The path forward-auth judges: the one the upstream will route, or a refusal when that is not certain. */
class OriginalRequestTest {

    private static String path(String uri) {
        return OriginalRequest.normalisedPath(uri);
    }

    private static String refusal(String uri) {
        return assertThrows(OriginalRequest.Refused.class, () -> path(uri), uri).getMessage();
    }

    @Test
    void queryFragmentAndPathParametersAreLeftOutAndEscapesDecodedOnce() {
        assertEquals("/api/orders/42", path("/api/orders/42?expand=items#top"));
        assertEquals("/api/admin/users", path("/api/admin;jsessionid=1/users"));
        assertEquals("/api/admin", path("/api/%61dmin"));
        assertEquals("/caf\u00e9/a+b", path("/caf%C3%A9/a+b"), "UTF-8, and + is a plus in a path");
        assertEquals("/100%", path("/100%25"), "decoded once: a lone % is a percent sign");
        assertEquals("/", path("/"));
        assertEquals("/", path("/?x=1"));
    }

    @Test
    void aTrailingSlashIsJudgedAsThePathWithoutIt() {
        assertEquals("/api/admin", path("/api/admin/"));
        assertEquals("/api/1/payroll", path("/api/1/payroll/?x=1"));
        assertEquals("/api/admin", path("/api/admin;x/"));
    }

    @Test
    void repeatedSlashesAreOneAsNginxAndServletContainersReadThem() {
        assertEquals("/api/admin/users", path("/api//admin///users"));
        assertEquals("/api/admin", path("//api/admin"));
        assertEquals("/", path("//"));
        assertEquals("/api/admin", path("/api/;x/admin"), "a segment that is only a parameter is empty");
    }

    @Test
    void everyDotSegmentPlainOrEncodedIsRefused() {
        for (String uri : List.of("/api/staff/..", "/api/staff/../admin", "/api/./admin", "/.", "/..",
            "/api/staff/%2e%2e", "/api/staff/%2E%2E", "/api/staff/.%2e", "/api/staff/%2e.", "/api/%2e/admin",
            "/api/staff/..;x", "/api/staff/..;/admin", "/api/%2e%2e;x/admin", "/api/staff/../", "/api/staff/..?x")) {
            assertEquals("The request path holds a . or .. segment", refusal(uri), uri);
        }
        assertEquals("/api/.../x", path("/api/.../x"), "three dots are a name");
        assertEquals("/api/.well-known", path("/api/.well-known"));
    }

    @Test
    void whatUpstreamsReadDifferentlyIsRefused() {
        for (String uri : List.of("/api/admin%2Fusers", "/api/admin%2fusers", "/api/admin%5Cusers", "/api\\admin",
            "/api/admin%3Bx/users", "/api/%2561dmin", "/api/%252e%252e/admin", "/api/a%00b", "/api/a%7Fb",
            "/api/%", "/api/%2", "/api/%zz", "/api/%c0%ae%c0%ae/admin", "/api/%ff", "/api/%C3")) {
            assertEquals("The request path is not valid", refusal(uri), uri);
        }
    }

    @Test
    void aPathMustStartWithASlash() {
        for (String uri : List.of("api/admin", "http://host/api/admin", "*", "?x=1", "")) {
            assertEquals("The request path must start with /", refusal(uri), uri);
        }
    }

    @Test
    void aPathIsBoundedBeforeAnythingIsParsed() {
        String longest = "/" + "a".repeat(InputLimits.MAX_PATH_LENGTH - 1);
        assertEquals(longest, path(longest));
        assertEquals(longest, path(longest + "?" + "q".repeat(10_000)), "the query does not count");
        assertEquals("The request path is longer than 4096 characters", refusal(longest + "a"));
    }

    @Test
    @Timeout(10) // a guard against a hang, not a benchmark
    void hostilePathsAreReadInOnePass() {
        assertEquals("The request path is longer than 4096 characters", refusal("/".repeat(1_000_000)));
        assertEquals("/", path("/".repeat(4096)));
        assertEquals("The request path is not valid", refusal("/" + "%".repeat(4000) + "x"));
        assertEquals("/", path("/" + ";".repeat(4095)));
        assertEquals("/" + "A".repeat(1365), path("/" + "%41".repeat(1365)));
    }

    @Test
    void eachGatewayIsReadFromItsOwnPlaceAndAutoNeedsAgreement() {
        Map<String, String> headers = Map.of(OriginalRequest.NGINX_URI, "/api/admin/",
            OriginalRequest.TRAEFIK_URI, "/api//admin");
        assertEquals("/api/admin", OriginalRequest.path(OriginalRequest.AUTO, headers::get, null),
            "the same path, written two ways");
        assertEquals("/api/x", OriginalRequest.path(OriginalRequest.ENVOY, headers::get, "api/x/"));
        assertEquals("/100%", OriginalRequest.path(OriginalRequest.AUTO, Map.of(OriginalRequest.NGINX_URI,
            "/100%25")::get, null), "auto mode decodes once too");
        assertThrows(OriginalRequest.Refused.class, () -> OriginalRequest.path(OriginalRequest.AUTO,
            Map.of(OriginalRequest.NGINX_URI, "/api/admin", OriginalRequest.TRAEFIK_URI, "/api/public")::get, null));
        assertThrows(OriginalRequest.Refused.class, () -> OriginalRequest.path(OriginalRequest.NGINX,
            Map.of(OriginalRequest.NGINX_URI, "/api/staff/%2e%2e")::get, null));
    }
}
