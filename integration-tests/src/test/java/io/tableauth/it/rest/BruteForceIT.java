package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tableauth.it.support.FormBrowser;
import io.tableauth.it.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Brute-force detection with tableauth's serialising protector: logins of one user that overlap (two devices, or a
 * client whose next login arrives before Keycloak recorded the last one) are all accepted when the password is right,
 * with no failure in sight; guesses sent in parallel are still counted one after the other; and five wrong passwords
 * still lock the user on every path, the lock answering exactly as a wrong password does.
 */
class BruteForceIT extends RestFixture {

    private static final int AT_ONCE = 6;
    private static final int ROUNDS = 4; // each round overlaps 6 logins of one user: Keycloak's default protector refuses there
    private final ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);

    @BeforeAll
    void keycloaksDefaults() {
        updateRealm(r -> {
            r.setBruteForceProtected(true);
            r.setFailureFactor(5);
        });
    }

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    /** Runs the call AT_ONCE times at the same instant, ROUNDS times; returns every answer. */
    private List<Http.Response> overlapping(java.util.function.Supplier<Http.Response> call) throws Exception {
        List<Http.Response> answers = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            CyclicBarrier start = new CyclicBarrier(AT_ONCE);
            List<Future<Http.Response>> calls = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            for (Future<Http.Response> f : calls) {
                answers.add(f.get());
            }
        }
        return answers;
    }

    @Test
    void overlappingCorrectLoginsOfOneUserAreAllAccepted() throws Exception {
        String table = unique("twice");
        insert("members", table, true);
        Map<String, java.util.function.Supplier<Http.Response>> paths = new LinkedHashMap<>();
        paths.put("table user, Keycloak's token endpoint", () -> Http.postForm(realm.uri("/protocol/openid-connect/token"),
            Map.of("grant_type", "password", "client_id", "app", "username", table, "password", TABLE_PASSWORD)));
        paths.put("table user, MaskAPI", () -> postJson(api("v1/auth/login"), body("credential", table, "password",
            TABLE_PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", membersId));
        paths.put("Keycloak user, Directus", () -> postJson(auth("login"), body("email", "kc-user@example.com",
            "password", "kc-user-password")));
        for (var path : paths.entrySet()) {
            List<Http.Response> answers = overlapping(path.getValue());
            long refused = answers.stream().filter(r -> r.status() != 200).count();
            assertEquals(0, refused, path.getKey() + ": correct logins refused, e.g. "
                + answers.stream().filter(r -> r.status() != 200).findFirst().map(Object::toString).orElse(""));
        }
        assertEquals(0, ((Number) realm.admin().attackDetection().bruteForceUserStatus(
            realm.admin().users().search(table, true).get(0).getId()).get("numFailures")).intValue(),
            "and no failure was ever counted");
    }

    @Test
    void guessesSentInParallelAreCountedAndLockTheUser() throws Exception {
        String email = unique("guessed");
        insert("members", email, true);
        List<Http.Response> guesses = overlapping(() -> postJson(api("v1/auth/login"), body("credential", email,
            "password", "guess " + System.nanoTime()), "x-mapi-key", "app", "x-mapi-auth-config-id", membersId));
        assertTrue(guesses.stream().allMatch(r -> r.status() == 401), guesses.toString());
        Thread.sleep(500);
        String id = realm.admin().users().search(email, true).get(0).getId();
        assertTrue((Boolean) realm.admin().attackDetection().bruteForceUserStatus(id).get("disabled"),
            "the parallel guesses locked the user");
        Http.Response right = postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
            "x-mapi-key", "app", "x-mapi-auth-config-id", membersId);
        assertEquals(guesses.get(0).status(), right.status());
        assertEquals(guesses.get(0).body(), right.body(), "the lock answers as a wrong password");
        realm.admin().attackDetection().clearBruteForceForUser(id);
    }

    @Tag("smoke")
    @Test
    void fiveWrongPasswordsLockTheUserOnEveryPathAndTheLockLooksLikeAWrongPassword() throws Exception {
        Map<String, BiFunction<String, String, Http.Response>> paths = new LinkedHashMap<>();
        paths.put("token endpoint", (u, p) -> Http.postForm(realm.uri("/protocol/openid-connect/token"),
            Map.of("grant_type", "password", "client_id", "app", "username", u, "password", p)));
        paths.put("MaskAPI", (u, p) -> postJson(api("v1/auth/login"), body("credential", u, "password", p),
            "x-mapi-key", "app", "x-mapi-auth-config-id", membersId));
        paths.put("Mavibase", (u, p) -> postJson(api("v1/platform/auth/login"), body("email", u, "password", p)));
        paths.put("Directus", (u, p) -> postJson(auth("login"), body("email", u, "password", p)));
        paths.put("SlashApi", (u, p) -> postJson(auth("members/login"), body("email", u, "password", p)));
        paths.put("Baasix", (u, p) -> {
            setting("loginOwner", "baasix");
            try {
                return postJson(auth("login"), body("email", u, "password", p));
            } finally {
                setting("loginOwner", "directus");
            }
        });
        paths.put("browser login page", this::browserLogin);
        if (io.tableauth.it.support.TestSettings.compatRun()) {
            // another release: its brute-force protector, password grant and login page; the dialects are the same
            // code on every release (the main run walks them all)
            paths.keySet().retainAll(java.util.Set.of("token endpoint", "Mavibase", "browser login page"));
        }
        for (var path : paths.entrySet()) {
            String email = unique("locked");
            insert("members", email, true);
            Http.Response wrong = null;
            for (int i = 0; i < 5; i++) {
                wrong = path.getValue().apply(email, "wrong password " + i);
                // Keycloak counts each failure after its answer: each lands before the next is sent, so the count,
                // not the speed, locks (the test realm's quick-login check is 1 ms)
                awaitFailures(email, i + 1);
            }
            String id = realm.admin().users().search(email, true).get(0).getId();
            assertTrue((Boolean) realm.admin().attackDetection().bruteForceUserStatus(id).get("disabled"),
                path.getKey() + ": five wrong passwords lock the user");
            Http.Response right = path.getValue().apply(email, TABLE_PASSWORD);
            assertEquals(wrong.status(), right.status(), path.getKey() + ": " + right);
            assertEquals(errorText(wrong), errorText(right), path.getKey() + ": the lock answers as a wrong password");
            realm.admin().attackDetection().clearBruteForceForUser(id);
            Http.Response after = path.getValue().apply(email, TABLE_PASSWORD);
            assertTrue(after.status() == 200 || after.status() == 302, path.getKey() + " after the lock is cleared: "
                + after);
        }
    }

    /** Keycloak's login page: the username and password form; the answer is the page after the post. */
    private Http.Response browserLogin(String username, String password) {
        browserClient("web", "http://app.example.test/callback");
        FormBrowser browser = new FormBrowser();
        browser.open(realm.uri("/protocol/openid-connect/auth?client_id=web&response_type=code&scope=openid"
            + "&redirect_uri=http://app.example.test/callback"));
        return browser.submit("kc-form-login", Map.of("username", username, "password", password));
    }

    /** What the caller reads as the refusal: the body, or a login page's alert. */
    private static String errorText(Http.Response r) {
        Matcher alert = Pattern.compile("kc-feedback-text\">\\s*([^<]*?)\\s*<").matcher(r.body());
        return alert.find() ? alert.group(1) : r.body();
    }
}
