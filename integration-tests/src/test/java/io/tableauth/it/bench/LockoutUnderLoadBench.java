package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SqlAuthConfigs;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): only correct logins, under load, with brute-force detection on
 * (failure factor 5, Keycloak's other defaults). Eight table users (bcrypt cost 4, no rehash) log in over and over,
 * half through Keycloak's token endpoint and half through MaskAPI; eight Keycloak-local users (PBKDF2 with one
 * iteration, as cheap) beside them, half through the token endpoint and half through Directus. One client per user.
 * A correct login refused is a defect: the bench prints the refusals per group, with the first few answers. Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=LockoutUnderLoadBench -Dsurefire.failIfNoSpecifiedTests=false -Dtableauth.it.cluster.skip=true [-Dtableauth.bench.seconds=300]</pre>
 */
class LockoutUnderLoadBench extends RestFixture {

    private static final int SECONDS = Integer.getInteger("tableauth.bench.seconds", 300);
    private static final int USERS = 8;
    private static final String PASSWORD = "a good password";

    /** One group of clients: what they log in as, how, and what came back. */
    private record Group(String name, List<String> users, Function<String, Http.Response> login,
                         AtomicLong ok, AtomicLong refused, AtomicLong nanos, ConcurrentLinkedQueue<String> samples) {
        Group(String name, List<String> users, Function<String, Http.Response> login) {
            this(name, users, login, new AtomicLong(), new AtomicLong(), new AtomicLong(), new ConcurrentLinkedQueue<>());
        }
    }

    @Test
    void correctLoginsAreNeverRefused() throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lockout (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                + "is_active BOOLEAN NOT NULL DEFAULT TRUE, role VARCHAR(50))");
        }
        String config = SqlAuthConfigs.add(realm, "lockout", 2, SqlAuthConfigs.over(db, "lockout", "email",
            Map.of("editMode", "WRITABLE", "signupAllowed", "true", "bcryptCost", "4", "rehashOnLogin", "false")));
        updateRealm(r -> {
            r.setBruteForceProtected(true);
            r.setFailureFactor(5);
            r.setPasswordPolicy("hashAlgorithm(pbkdf2-sha256) and hashIterations(1)");
        });
        List<String> table = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String email = unique("lock" + i);
            Http.Response signup = postJson(api("v1/auth/signup"), body("credential", email, "password", PASSWORD,
                "confirmPassword", PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", config);
            assertEquals(201, signup.status(), signup.toString());
            table.add(email);
        }
        List<String> local = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String email = "local-lock-" + i + "@example.com";
            realm.addUser(email, email, PASSWORD); // the realm takes e-mails as usernames
            local.add(email);
        }
        Function<String, Http.Response> tokenEndpoint = u -> Http.postForm(realm.uri("/protocol/openid-connect/token"),
            Map.of("grant_type", "password", "client_id", "app", "username", u, "password", PASSWORD));
        List<Group> groups = List.of(
            new Group("table users, token endpoint", table.subList(0, USERS / 2), tokenEndpoint),
            new Group("table users, MaskAPI login", table.subList(USERS / 2, USERS), u -> postJson(api("v1/auth/login"),
                body("credential", u, "password", PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", config)),
            new Group("Keycloak users, token endpoint", local.subList(0, USERS / 2), tokenEndpoint),
            new Group("Keycloak users, Directus login", local.subList(USERS / 2, USERS),
                u -> postJson(auth("login"), body("email", u, "password", PASSWORD))));

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(USERS * 2);
        List<Future<?>> clients = new ArrayList<>();
        for (Group group : groups) {
            for (String user : group.users()) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        Http.Response r = group.login().apply(user);
                        group.nanos().addAndGet(System.nanoTime() - t0);
                        if (r.status() == 200) {
                            group.ok().incrementAndGet();
                        } else {
                            group.refused().incrementAndGet();
                            if (group.samples().size() < 5) {
                                group.samples().add(java.time.Instant.now() + " " + user + " -> " + r);
                            }
                        }
                    }
                }));
            }
        }
        for (Future<?> client : clients) {
            client.get();
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "%nLockoutUnderLoadBench: %d s, %d clients, only correct passwords, brute-force "
            + "detection on (failure factor 5)%n", SECONDS, USERS * 2);
        for (Group g : groups) {
            long calls = g.ok().get() + g.refused().get();
            System.out.printf(Locale.ROOT, "  %-32s %7d correct logins, %4d refused, %6.1f ms each on average%n",
                g.name(), g.ok().get(), g.refused().get(), calls == 0 ? 0 : g.nanos().get() / 1e6 / calls);
            g.samples().forEach(s -> System.out.println("      " + s));
        }
    }
}
