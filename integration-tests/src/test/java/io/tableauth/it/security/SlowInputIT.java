package io.tableauth.it.security;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ComponentRepresentation;

/**
 * Trust boundary IV: no anonymous input makes the server do more than linear work. Each anonymous endpoint gets the
 * worst input found for it (inputs that took seconds to minutes before: a quadratic e-mail pattern, trailing-slash
 * trimming by regex, a backtracking path pattern), and must answer about as fast as an ordinary bad request.
 */
class SlowInputIT extends RestFixture {

    @BeforeAll
    void pages() {
        setting("magicLinkUrls", "https://app.example.test/magic");
        setting("passwordResetUrls", "https://app.example.test/reset");
    }

    /**
     * Runs the ordinary request and the worst one three times each, interleaved; the worst answers {@code status} (any
     * 4xx when it is -1) and,
     * at its median, within a small multiple of the ordinary one's (plus a little for a 64 KiB body on the wire).
     */
    static void assertLinear(String what, int status, Supplier<Http.Response> ordinary, Supplier<Http.Response> worst) {
        long[] plain = new long[3];
        long[] bad = new long[3];
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            ordinary.get();
            plain[i] = System.nanoTime() - start;
            start = System.nanoTime();
            Http.Response r = worst.get();
            bad[i] = System.nanoTime() - start;
            if (status < 0) {
                assertTrue(r.status() >= 400 && r.status() < 500, what + ": " + r);
            } else {
                assertEquals(status, r.status(), what + ": " + r);
            }
        }
        java.util.Arrays.sort(plain);
        java.util.Arrays.sort(bad);
        long limit = 10 * plain[1] + 300_000_000L;
        assertTrue(bad[1] < limit, what + ": " + bad[1] / 1_000_000 + " ms against an ordinary request's "
            + plain[1] / 1_000_000 + " ms");
    }

    @Test
    void aSignUpsEMailIsCheckedInOnePass() {
        String dots = "a@" + ".".repeat(60_000) + "@";
        assertLinear("SlashApi register", 422,
            () -> postJson(auth("members/register"), "{\"data\":{\"email\":\"not an address\",\"password\":\"x\"}}"),
            () -> postJson(auth("members/register"), "{\"data\":{\"email\":\"" + dots + "\",\"password\":\"x\"}}"));
        assertEquals(422, postJson(auth("members/register"), "{\"data\":{\"email\":\"" + "a".repeat(250)
            + "@example.com\",\"password\":\"long enough password\"}}").status(), "past 254 characters");
    }

    @Test
    void aMailedLinksPageIsBoundedBeforeItIsRead() {
        String slashes = "https://app.example.test/magic" + "/".repeat(60_000);
        assertLinear("magic link", 400,
            () -> platformAuth("magic-link", body("email", unique("m"), "redirectUrl", "https://evil.test/x")),
            () -> platformAuth("magic-link", body("email", unique("m"), "redirectUrl", slashes)));
        String reset = "https://app.example.test/reset" + "/".repeat(60_000);
        assertLinear("Directus reset_url", 400,
            () -> postJson(auth("password/request"), body("email", unique("r"), "reset_url", "https://evil.test/x")),
            () -> postJson(auth("password/request"), body("email", unique("r"), "reset_url", reset)));
    }

    @Test
    void aProtectedPathPatternMatchesInLinearTime() throws Exception {
        ComponentRepresentation members = realm.admin().components().component(membersId).toRepresentation();
        List<String> before = members.getConfig().get("protectedPaths");
        members.getConfig().put("protectedPaths", List.of("/*a*a*a*a*a*a*a*b"));
        realm.admin().components().component(membersId).update(members);
        try {
            String path = "/" + "a".repeat(4_000) + "c";
            assertLinear("forward-auth without a credential", 401,
                () -> Http.get(api("v1/forward-auth"), "X-Original-URI", "/x"),
                () -> Http.get(api("v1/forward-auth"), "X-Original-URI", path));
            String token = text(postJson(api("v1/auth/login"), body("credential", member(), "password", TABLE_PASSWORD),
                "x-mapi-key", "app", "x-mapi-auth-config-id", staffId).json(), "accessToken");
            assertLinear("forward-auth with another config's token", 200,
                () -> Http.get(api("v1/forward-auth"), "X-Original-URI", "/x", "Authorization", "Bearer " + token),
                () -> Http.get(api("v1/forward-auth"), "X-Original-URI", path, "Authorization", "Bearer " + token));
        } finally {
            members.getConfig().put("protectedPaths", before == null ? List.of() : before);
            realm.admin().components().component(membersId).update(members);
        }
    }

    private String member() throws Exception {
        String email = unique("slow");
        insert("staff", email, true);
        return email;
    }

    @Test
    void aHugeOriginOrIdentifierCostsNothingExtra() {
        String origin = "https://" + "a".repeat(3_000) + ".example.test";
        assertLinear("CORS preflight", 403,
            () -> Http.json("OPTIONS", api("v1/platform/auth/login"), null, "Origin", "https://evil.test",
                "Access-Control-Request-Method", "POST"),
            () -> Http.json("OPTIONS", api("v1/platform/auth/login"), null, "Origin", origin,
                "Access-Control-Request-Method", "POST"));
        String email = "a".repeat(60_000) + "@example.com";
        assertLinear("login", -1,
            () -> platformAuth("login", body("email", unique("nobody"), "password", "wrong")),
            () -> platformAuth("login", body("email", email, "password", "wrong")));
    }
}
