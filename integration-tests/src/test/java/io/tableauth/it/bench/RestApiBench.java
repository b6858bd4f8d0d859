package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): REST login and refresh throughput side by side with Keycloak's
 * own password and refresh_token grants, in one run, on the same table users (bcrypt $2y$ 10, written by PHP),
 * 4 concurrent clients; then the median time of "unknown user" against "wrong password". Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=RestApiBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class RestApiBench extends RestFixture {

    private static final int THREADS = Integer.getInteger("tableauth.bench.threads", 4);
    private static final int SECONDS = Integer.getInteger("tableauth.bench.seconds", 15);
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
        IntFunction<Http.Response> nativeLogin = t -> Tokens.passwordGrant(realm, "project-b", users.get(t),
            TABLE_PASSWORD);
        IntFunction<Http.Response> maskLogin = t -> postJson(api("v1/auth/login"),
            body("credential", users.get(t), "password", TABLE_PASSWORD), mask);
        IntFunction<Http.Response> directusLogin = t -> postJson(auth("login"),
            body("email", users.get(t), "password", TABLE_PASSWORD));

        // Two rounds, native and REST alternating; the first round warms the JIT up and is not reported.
        double nLogin = 0, mLogin = 0, dLogin = 0, nRefresh = 0, mRefresh = 0;
        String[] nativeTokens = new String[THREADS];
        String[] maskTokens = new String[THREADS];
        for (int round = 1; round <= 2; round++) {
            String tag = round == 1 ? "(warm-up) " : "";
            nLogin = rate(tag + "native password grant", nativeLogin, SECONDS);
            mLogin = rate(tag + "MaskAPI /api/v1/auth/login", maskLogin, SECONDS);
            dLogin = rate(tag + "Directus /auth/login", directusLogin, SECONDS);
            for (int t = 0; t < THREADS; t++) {
                nativeTokens[t] = text(nativeLogin.apply(t).json(), "refresh_token");
                maskTokens[t] = text(maskLogin.apply(t).json(), "refreshToken");
            }
            nRefresh = rate(tag + "native refresh_token grant", t -> {
                Http.Response r = nativeRefresh("project-b", nativeTokens[t]);
                nativeTokens[t] = text(r.json(), "refresh_token");
                return r;
            }, SECONDS);
            mRefresh = rate(tag + "MaskAPI /api/v1/auth/refresh", t -> {
                Http.Response r = postJson(api("v1/auth/refresh"), body("refreshToken", maskTokens[t]), mask);
                maskTokens[t] = text(r.json(), "refreshToken");
                return r;
            }, SECONDS);
        }

        System.out.printf(Locale.ROOT, "%nRATIOS (REST / native): MaskAPI login %.2f, Directus login %.2f, "
            + "MaskAPI refresh %.2f%n", mLogin / nLogin, dLogin / nLogin, mRefresh / nRefresh);

        // Timing of failures: wrong password of a table user vs unknown user, alternating, sequential. Brute-force
        // detection is off here so that a wrong password takes the real wrong-password path, not the lockout path.
        updateRealm(r -> r.setBruteForceProtected(false));
        List<Long> wrong = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Long> wrongLocal = new ArrayList<>();
        List<Long> wrongDirectus = new ArrayList<>();
        List<Long> unknownDirectus = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
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
    }

    private double rate(String name, IntFunction<Http.Response> call, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                do {
                    Http.Response r = call.apply(thread);
                    (r.status() == 200 ? ok : failed).incrementAndGet();
                } while (System.nanoTime() < end);
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = ok.get() / elapsed;
        System.out.printf(Locale.ROOT, "BENCH %-32s %8.1f req/s  (%d ok, %d failed, %.1f s, %d clients)%n", name, rate,
            ok.get(), failed.get(), elapsed, THREADS);
        return rate;
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
