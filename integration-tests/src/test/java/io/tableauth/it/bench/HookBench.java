package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SqlAuthConfigs;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): what a login hook adds to a login. One table, two auth configs
 * over it, the realm's direct grant flow with the "tableauth hook" step; config "plain" has no hook, "hooked" runs
 * MaskAPI's example. MaskAPI logins alternate between the two, one at a time, so the difference of their latencies
 * is the hook's cost. Passwords are bcrypt cost 4 (no rehash) so hashing does not drown the hook in noise. Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=HookBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class HookBench extends RestFixture {

    private static final int LOGINS = Integer.getInteger("tableauth.bench.logins", 500);
    private static final int WARMUP = Integer.getInteger("tableauth.bench.warmup", 200);

    @Test
    void hookCostPerLogin() throws Exception {
        String plain = SqlAuthConfigs.add(realm, "members-plain", 2, SqlAuthConfigs.over(db, "members", "email",
            Map.of("editMode", "WRITABLE", "signupAllowed", "true", "bcryptCost", "4", "rehashOnLogin", "false")));
        var hookedConfig = SqlAuthConfigs.over(db, "members", "email", Map.of());
        hookedConfig.put("attributeMappings", List.of("role=role", "is_active=isActive"));
        hookedConfig.putSingle("enabledColumn", "");
        hookedConfig.putSingle("loginHook",
            "// Example: block inactive users\nif (!user.isActive) throw new Error(\"Inactive account\");\nreturn true;");
        String hooked = SqlAuthConfigs.add(realm, "members-hooked", 3, hookedConfig);
        copyWithStep("direct grant", "bench direct grant", "bench direct grant", "tableauth-hook", 0);
        updateRealm(r -> r.setDirectGrantFlow("bench direct grant"));

        String email = unique("hookbench");
        String password = "a good password";
        Http.Response signup = postJson(api("v1/auth/signup"), body("credential", email, "password", password,
            "confirmPassword", password), "x-mapi-key", "app", "x-mapi-auth-config-id", plain);
        assertEquals(201, signup.status(), signup.toString());

        List<Long> without = new ArrayList<>();
        List<Long> with = new ArrayList<>();
        for (int i = 0; i < WARMUP + LOGINS; i++) {
            long a = login(email, password, plain);
            long b = login(email, password, hooked);
            if (i >= WARMUP) {
                without.add(a);
                with.add(b);
            }
        }
        System.out.printf(Locale.ROOT, "%nMaskAPI login, %d each, alternating, 1 client, bcrypt cost 4:%n", LOGINS);
        System.out.printf(Locale.ROOT, "  no hook     p50 %6.2f ms  p99 %6.2f ms%n", pct(without, 50), pct(without, 99));
        System.out.printf(Locale.ROOT, "  with hook   p50 %6.2f ms  p99 %6.2f ms%n", pct(with, 50), pct(with, 99));
        System.out.printf(Locale.ROOT, "  hook cost   p50 %+6.2f ms  p99 %+6.2f ms%n%n",
            pct(with, 50) - pct(without, 50), pct(with, 99) - pct(without, 99));
    }

    private long login(String email, String password, String configId) {
        long t0 = System.nanoTime();
        Http.Response r = postJson(api("v1/auth/login"), body("credential", email, "password", password),
            "x-mapi-key", "app", "x-mapi-auth-config-id", configId);
        long nanos = System.nanoTime() - t0;
        assertEquals(200, r.status(), r.toString());
        return nanos;
    }

    private static double pct(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }
}
