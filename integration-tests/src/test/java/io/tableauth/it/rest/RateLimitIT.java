package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.tableauth.it.support.Http;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rate limits in front of the unauthenticated calls. An anonymous caller sends as many calls as it likes from
 * one address (Keycloak started with {@code --proxy-headers xforwarded} and loopback as its trusted proxy, so
 * {@code X-Forwarded-For} names the client), or names one account from many addresses: past the realm's limits it
 * gets 429 with Retry-After in the dialect's shape, and the call never reaches Keycloak's login flow. Another
 * address, another account and a key holder's own traffic go on.
 */
class RateLimitIT extends RestFixture {

    private static final String WINDOW = "3600";
    /** The longest a test here takes from setting its limits to its last call. */
    private static final int TEST_SECONDS = 40;

    @AfterEach
    void generousAgain() {
        setting("rateLimitPerIp", "1000000");
        setting("rateLimitPerIdentifier", "1000000");
        setting("rateLimitWindowSeconds", "");
    }

    /** A client address of the documentation range, new for each call of this method. */
    private static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "203.0." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * Sets the limits (blank: the default), first waiting when the current window ends before the test could be
     * through ({@value #TEST_SECONDS} seconds, or most of a short window), since counts start again with each window.
     */
    private void limits(String perIp, String perIdentifier, String window) throws InterruptedException {
        long seconds = window.isEmpty() ? 10 : Long.parseLong(window);
        long left = seconds - (System.currentTimeMillis() / 1000 % seconds);
        if (seconds > 2 && left < Math.min(TEST_SECONDS, seconds * 8 / 10)) {
            Thread.sleep(left * 1000 + 300);
        }
        setting("rateLimitPerIp", perIp);
        setting("rateLimitPerIdentifier", perIdentifier);
        setting("rateLimitWindowSeconds", window);
    }

    private Http.Response mavibaseLogin(String from, String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password),
            "X-Forwarded-For", from);
    }

    private static void assertLimited(Http.Response r, int window) {
        assertEquals(429, r.status(), r.toString());
        int retryAfter = Integer.parseInt(r.raw().headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retryAfter >= 1 && retryAfter <= window, "Retry-After within the window: " + retryAfter);
    }

    private int loginErrorsFrom(String address) {
        return realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, address, 0, 100).size();
    }

    /** The calls sent at once; their answers in the same order. */
    private static List<Http.Response> atOnce(List<java.util.function.Supplier<Http.Response>> calls)
        throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(calls.size());
        try {
            List<java.util.concurrent.Future<Http.Response>> pending = new java.util.ArrayList<>();
            for (var call : calls) {
                pending.add(pool.submit(call::get));
            }
            List<Http.Response> answers = new java.util.ArrayList<>();
            for (var answer : pending) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAddressGetsItsCallsThenEveryUnauthenticatedCallAnswers429InItsDialectsShape() throws Exception {
        updateRealm(r -> r.setEventsEnabled(true));
        String email = unique("rl");
        insert("members", email, true);
        limits("3", "0", WINDOW);
        String attacker = address();
        for (int i = 0; i < 3; i++) {
            assertEquals(401, mavibaseLogin(attacker, email, "wrong password " + i).status());
        }
        Thread.sleep(500); // events are stored after the answer
        assertEquals(3, loginErrorsFrom(attacker), "three logins ran Keycloak's flow");

        Http.Response limited = mavibaseLogin(attacker, email, TABLE_PASSWORD);
        assertLimited(limited, 3600);
        assertEquals("RATE_LIMITED", text(limited.json(), "error"), limited.toString());
        assertEquals("false", text(limited.json(), "success"));
        assertEquals(429, mavibaseLogin(attacker, email, "wrong again").status(), "the right password changes nothing");
        Thread.sleep(500);
        assertEquals(3, loginErrorsFrom(attacker), "refused calls never reached the login flow: no hash, no lookup");

        // every unauthenticated call of every dialect draws on the same count, and answers in its own shape (sent
        // together: each refusal is held back a second, up to 16 at a time)
        String xff = "X-Forwarded-For";
        List<java.util.function.Supplier<Http.Response>> calls = List.of(
            () -> postJson(auth("login"), body("email", email, "password", TABLE_PASSWORD), xff, attacker),
            () -> postJson(auth("members/login"), body("email", email, "password", TABLE_PASSWORD), xff, attacker),
            () -> postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
                "x-mapi-key", "app", "x-mapi-auth-config-id", membersId, xff, attacker),
            () -> postJson(auth("register"), body("email", unique("rl-new"), "password", TABLE_PASSWORD,
                "firstName", "New", "lastName", "User"), xff, attacker),
            () -> postJson(api("v1/platform/auth/refresh-token"), body("refreshToken", "x"), xff, attacker),
            () -> postJson(api("v1/platform/2fa/verify"), body("tempToken", "temp_x", "code", "123456"), xff, attacker),
            () -> postJson(api("v1/platform/auth/password-reset/request"), body("email", email), xff, attacker),
            () -> postJson(api("v1/platform/auth/password-reset/confirm"), body("token", "x", "password", "x"), xff,
                attacker),
            () -> postJson(api("v1/platform/auth/resend-verification"), body("email", email), xff, attacker),
            () -> Http.get(api("v1/platform/auth/verify-email?token=x"), xff, attacker),
            () -> postJson(auth("refresh"), body("refresh_token", "x"), xff, attacker),
            () -> postJson(auth("password/request"), body("email", email), xff, attacker),
            () -> postJson(auth("password/reset"), body("token", "x", "password", "x"), xff, attacker),
            () -> postJson(api("v1/platform/auth/magic-link"), body("email", email), xff, attacker),
            () -> postJson(api("v1/platform/auth/magic-link/verify"), body("token", "x"), xff, attacker),
            () -> postJson(api("v1/platform/auth/email-otp"), body("email", email), xff, attacker),
            () -> postJson(api("v1/platform/auth/email-otp/verify"), body("email", email, "code", "123456"), xff,
                attacker),
            () -> postJson(api("v1/platform/auth/passkey/options"), "{}", xff, attacker),
            () -> postJson(api("v1/platform/auth/passkey/verify"), body("challengeId", "x"), xff, attacker),
            () -> Http.get(auth("oauth/nowhere/callback?code=x&state=y"), xff, attacker));
        List<Http.Response> answers = atOnce(calls);
        for (Http.Response r : answers) {
            assertLimited(r, 3600);
        }
        assertEquals("REQUESTS_EXCEEDED", answers.get(0).json().get("errors").get(0).get("extensions").get("code")
            .asText());
        assertTrue(text(answers.get(1).json(), "message").startsWith("Too many requests"), answers.get(1).toString());
        assertEquals("RATE_LIMITED", text(answers.get(2).json(), "error"));
        assertTrue(text(answers.get(3).json(), "message").startsWith("Too many requests"), answers.get(3).toString());

        forgetFailures(); // the three quick failures tripped Keycloak's own brute-force detection, a layer behind
        Http.Response other = mavibaseLogin(address(), email, TABLE_PASSWORD);
        assertEquals(200, other.status(), "another address logs in: " + other);
        assertEquals(200, mavibaseLogin("127.0.0.1", email, TABLE_PASSWORD).status(), "and so does the proxy itself");
    }

    /**
     * A refusal is held back a second before it is answered, so a client that ignores Retry-After waits; but at most
     * 16 at a time per node, so a flood cannot hold the worker threads: of 40 refusals at once, at most 16 take the
     * second, the rest are answered at once. (A held answer takes at least 1,000 ms, a quick one well under it; the
     * split is measured again, up to three times, if a busy moment blurs it.)
     */
    @Test
    void aRefusalIsHeldBackASecondButAtMostSixteenAtATime() throws Exception {
        limits("1", "0", WINDOW);
        String from = address();
        String email = unique("rl-held");
        assertEquals(401, mavibaseLogin(from, email, "wrong").status());
        long started = System.nanoTime();
        assertLimited(mavibaseLogin(from, email, "wrong"), 3600);
        long alone = (System.nanoTime() - started) / 1_000_000;
        assertTrue(alone >= 1000, "a refusal alone is held back a second: " + alone + " ms");

        java.util.concurrent.ExecutorService forty = java.util.concurrent.Executors.newFixedThreadPool(40);
        try {
            List<Long> held = List.of();
            for (int attempt = 0; attempt < 3; attempt++) {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(40);
                List<java.util.concurrent.Future<Long>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    calls.add(forty.submit(() -> {
                        together.await();
                        long t = System.nanoTime();
                        assertLimited(mavibaseLogin(from, email, "wrong"), 3600);
                        return (System.nanoTime() - t) / 1_000_000;
                    }));
                }
                List<Long> times = new java.util.ArrayList<>();
                for (var call : calls) {
                    times.add(call.get());
                }
                held = times.stream().filter(ms -> ms >= 950).toList();
                if (held.size() <= 16) {
                    break;
                }
            }
            assertTrue(!held.isEmpty() && held.size() <= 16, "held back: " + held.size() + " of 40 " + held);
        } finally {
            forty.shutdownNow();
        }
    }

    /** IPv6 clients are counted per /64, the block one subscriber usually holds; the next /64 has its own count. */
    @Test
    void ipv6AddressesAreCountedPerSlash64() throws Exception {
        limits("2", "0", WINDOW);
        String email = unique("rl-v6");
        insert("members", email, true);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int site = r.nextInt(0x10000);
        int subnet = r.nextInt(0xffff);
        String block = String.format("2001:db8:%x:%x", site, subnet);
        assertEquals(401, mavibaseLogin(block + "::1", email, "wrong").status());
        assertEquals(401, mavibaseLogin(block + "::abcd:1", email, "wrong").status());
        assertLimited(mavibaseLogin(block + ":ffff:ffff:ffff:ffff", email, TABLE_PASSWORD), 3600);
        String next = String.format("2001:db8:%x:%x::1", site, subnet + 1);
        assertEquals(200, mavibaseLogin(next, email, TABLE_PASSWORD).status(), "the next /64 has its own count");
        forgetFailures();
    }

    @Test
    void oneAccountNamedFromManyAddressesIsLimitedWhateverItsCaseOrSpacing() throws Exception {
        limits("0", "2", WINDOW);
        String email = unique("rl-id");
        insert("members", email, true);
        assertEquals(200, mavibaseLogin(address(), email, TABLE_PASSWORD).status());
        assertEquals(401, mavibaseLogin(address(), email.toUpperCase(), "wrong").status());
        assertLimited(mavibaseLogin(address(), "  " + email.toUpperCase() + " ", TABLE_PASSWORD), 3600);
        assertLimited(postJson(auth("password/request"), body("email", email), "X-Forwarded-For", address()), 3600);

        // a Keycloak user, and names that are no one's, are counted the same way
        String local = "rl-local-" + ThreadLocalRandom.current().nextInt(1_000_000) + "@example.com";
        realm.addUser(local, local, TABLE_PASSWORD);
        for (int i = 0; i < 2; i++) {
            assertEquals(200, mavibaseLogin(address(), local, TABLE_PASSWORD).status());
        }
        assertLimited(mavibaseLogin(address(), local, TABLE_PASSWORD), 3600);
        String nobody = unique("rl-nobody");
        for (int i = 0; i < 2; i++) {
            assertEquals(401, mavibaseLogin(address(), nobody, "wrong").status());
        }
        assertLimited(mavibaseLogin(address(), nobody, "wrong"), 3600);

        assertEquals(401, mavibaseLogin(address(), unique("rl-other"), "wrong").status(), "other names go on");
    }

    @Test
    void keysAreCountedOnlyWhenRefusedAndTheKeyGrantPerCall() throws Exception {
        String email = unique("rl-key");
        insert("members", email, true);
        String token = text(mavibaseLogin(address(), email, TABLE_PASSWORD).json(), "token");
        Http.Response made = postJson(api("v1/platform/api-keys"),
            "{\"name\":\"machine\",\"scopes\":[\"databases:read\"]}", "Authorization", "Bearer " + token);
        assertEquals(201, made.status(), made.toString());
        String key = text(made.json().get("apiKey"), "key");
        limits("2", "0", WINDOW);

        String machine = address();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, Http.get(api("v1/forward-auth"), "X-API-Key", key, "X-Forwarded-For", machine).status(),
                "a key holder's own traffic is not counted");
        }
        String guesser = address();
        for (int i = 0; i < 2; i++) {
            assertEquals(401, Http.get(api("v1/forward-auth"), "X-API-Key", "tak_live_guess" + i,
                "X-Forwarded-For", guesser).status());
        }
        Http.Response refused = Http.get(api("v1/forward-auth"), "X-API-Key", key, "X-Forwarded-For", guesser);
        assertLimited(refused, 3600);
        assertEquals("too_many_requests", text(refused.json(), "error"), refused.toString());
        assertEquals(200, Http.get(api("v1/forward-auth"), "X-API-Key", key, "X-Forwarded-For", machine).status());

        String exchanger = address();
        for (int i = 0; i < 2; i++) {
            assertEquals(200, exchangeFrom(exchanger, key).status());
        }
        Http.Response grant = exchangeFrom(exchanger, key);
        assertLimited(grant, 3600);
        assertEquals("too_many_requests", text(grant.json(), "error"), grant.toString());
    }

    private Http.Response exchangeFrom(String address, String key) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"),
            java.util.Map.of("grant_type", API_KEY_GRANT, "client_id", "app", "api_key", key),
            "X-Forwarded-For", address);
    }

    @Test
    void countsStartAgainWithTheNextWindow() throws Exception {
        limits("1", "0", "4");
        String email = unique("rl-win");
        insert("members", email, true);
        String from = address();
        // Windows are fixed 4-second slots of the clock. Both calls go out at the start of one, with 4 s to answer
        // in the same window (each takes well under a second), so the second is always the one counted over.
        Thread.sleep(4000 - System.currentTimeMillis() % 4000 + 50);
        Http.Response first = mavibaseLogin(from, email, TABLE_PASSWORD);
        Http.Response second = mavibaseLogin(from, email, TABLE_PASSWORD);
        assertEquals(200, first.status(), first.toString());
        assertLimited(second, 4);
        Thread.sleep(4000 - System.currentTimeMillis() % 4000 + 100);
        assertEquals(200, mavibaseLogin(from, email, TABLE_PASSWORD).status(), "a new window, a new count");
    }

    @Test
    void theConsoleRefusesLimitsThatAreNotNumbersAndBlankMeansTheDefaults() throws Exception {
        for (String[] bad : List.of(new String[] {"rateLimitPerIp", "-1"}, new String[] {"rateLimitPerIp", "many"},
            new String[] {"rateLimitPerIdentifier", "-5"}, new String[] {"rateLimitWindowSeconds", "0"},
            new String[] {"rateLimitWindowSeconds", "3601"})) {
            BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> setting(bad[0], bad[1]), String.join("=", bad));
            String message = e.getResponse().readEntity(String.class);
            assertTrue(message.contains("Rate limit"), message);
        }
        // blank: the defaults, 10 calls per address and 10 per name every 10 seconds
        String email = unique("rl-def");
        insert("members", email, true);
        limits("", "", "");
        String from = address();
        for (int i = 0; i < 10; i++) {
            assertNotEquals(429, mavibaseLogin(from, email, "wrong " + i).status(), "call " + i);
        }
        assertLimited(mavibaseLogin(address(), email, TABLE_PASSWORD), 10); // the name's 11th
        assertLimited(mavibaseLogin(from, unique("rl-def-n"), "wrong"), 10); // the address's 11th
        forgetFailures();
    }
}
