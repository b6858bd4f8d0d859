package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): REST login and refresh throughput side by side with Keycloak's
 * own password and refresh_token grants, in one run, on the same table users (bcrypt $2y$ 10, written by PHP),
 * 4 concurrent clients; then the median time of "unknown user" against "wrong password". Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=RestApiBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class RestApiBench extends RestFixture {

    private static final int THREADS = Integer.getInteger("tableauth.bench.threads", 4);
    private static final int SECONDS = Integer.getInteger("tableauth.bench.seconds", 20);
    private static final int SAMPLES = Integer.getInteger("tableauth.bench.samples", 41);

    private final List<String> users = new ArrayList<>();

    @Test
    void throughputAndTiming() throws Exception {
        for (int i = 0; i < THREADS; i++) {
            String email = unique("bench" + i);
            insert("members", email, true);
            users.add(email);
        }
        String[] mask = {"x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId};
        // Without scope=openid, as the REST logins: no ID token on either side.
        IntFunction<Http.Response> nativeLogin = t -> Http.postForm(realm.uri("/protocol/openid-connect/token"),
            Map.of("grant_type", "password", "client_id", "project-b", "username", users.get(t),
                "password", TABLE_PASSWORD));
        IntFunction<Http.Response> maskLogin = t -> postJson(api("v1/auth/login"),
            body("credential", users.get(t), "password", TABLE_PASSWORD), mask);
        IntFunction<Http.Response> directusLogin = t -> postJson(auth("login"),
            body("email", users.get(t), "password", TABLE_PASSWORD));

        // Native and REST calls are measured interleaved, in one-second slices taken in turn, so background work
        // (Keycloak persisting sessions, JIT) falls on both alike; a first pass warms up and is not reported.
        String[] nativeTokens = new String[THREADS];
        String[] maskTokens = new String[THREADS];
        IntFunction<Http.Response> nativeRefreshCall = t -> {
            Http.Response r = nativeRefresh("project-b", nativeTokens[t]);
            nativeTokens[t] = text(r.json(), "refresh_token");
            return r;
        };
        IntFunction<Http.Response> maskRefreshCall = t -> {
            Http.Response r = postJson(api("v1/auth/refresh"), body("refreshToken", maskTokens[t]), mask);
            maskTokens[t] = text(r.json(), "refreshToken");
            return r;
        };
        double[] logins = null;
        double[] refreshes = null;
        for (int pass = 1; pass <= 2; pass++) {
            int seconds = pass == 1 ? 5 : SECONDS;
            logins = Interleaved.run(THREADS, pass == 2, seconds, new String[] {"native password grant",
                "MaskAPI /api/v1/auth/login", "Directus /auth/login"}, nativeLogin, maskLogin, directusLogin);
            for (int t = 0; t < THREADS; t++) {
                nativeTokens[t] = text(nativeLogin.apply(t).json(), "refresh_token");
                maskTokens[t] = text(maskLogin.apply(t).json(), "refreshToken");
            }
            refreshes = Interleaved.run(THREADS, pass == 2, seconds, new String[] {"native refresh_token grant",
                "MaskAPI /api/v1/auth/refresh"}, nativeRefreshCall, maskRefreshCall);
        }
        System.out.printf(Locale.ROOT, "%nRATIOS (REST / native): MaskAPI login %.2f, Directus login %.2f, "
            + "MaskAPI refresh %.2f%n", logins[1] / logins[0], logins[2] / logins[0], refreshes[1] / refreshes[0]);

        // Timing of failures: wrong password of a table user vs unknown user, alternating, sequential. Brute-force
        // detection is off here so that a wrong password takes the real wrong-password path, not the lockout path.
        updateRealm(r -> r.setBruteForceProtected(false));
        List<Long> wrong = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Long> wrongLocal = new ArrayList<>();
        List<Long> wrongDirectus = new ArrayList<>();
        List<Long> unknownDirectus = new ArrayList<>();
        List<Long> wrongToken = new ArrayList<>();
        List<Long> unknownToken = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            wrongToken.add(time(() -> Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
                "password", "client_id", "project-b", "username", users.get(2), "password", "wrong password"))));
            unknownToken.add(time(() -> Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
                "grant_type", "password", "client_id", "project-b", "username", unique("nobody"),
                "password", "wrong password"))));
            wrong.add(time(() -> postJson(api("v1/auth/login"), body("credential", users.get(0),
                "password", "wrong password"), mask)));
            unknown.add(time(() -> postJson(api("v1/auth/login"), body("credential", unique("nobody"),
                "password", "wrong password"), mask)));
            wrongDirectus.add(time(() -> postJson(auth("login"), body("email", users.get(1),
                "password", "wrong password"))));
            wrongLocal.add(time(() -> postJson(auth("login"), body("email", "kc-user@example.com",
                "password", "wrong password"))));
            unknownDirectus.add(time(() -> postJson(auth("login"), body("email", unique("nobody"),
                "password", "wrong password"))));
        }
        System.out.printf(Locale.ROOT, "MEDIAN ms  MaskAPI (scoped): wrong password %.1f, unknown user %.1f%n",
            median(wrong), median(unknown));
        System.out.printf(Locale.ROOT, "MEDIAN ms  Directus (unscoped): wrong password table user %.1f, Keycloak user "
            + "%.1f, unknown user %.1f%n", median(wrongDirectus), median(wrongLocal), median(unknownDirectus));
        System.out.printf(Locale.ROOT, "MEDIAN ms  Keycloak's token endpoint: wrong password table user %.1f, unknown "
            + "user %.1f%n", median(wrongToken), median(unknownToken));
    }

    private static long time(Runnable call) {
        long t0 = System.nanoTime();
        call.run();
        return System.nanoTime() - t0;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }

}
