package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SqlAuthConfigs;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): does a flood of wrong passwords starve real users? Four clients
 * log in correctly as bcrypt-10 table users (Mavibase login), each call from another client address and as another
 * of {@value #USERS} users, as real users behind their own addresses would. Beside them, eight clients send wrong
 * passwords for {@value #VICTIMS} other users of the table as fast as they can, all from one address. Three phases in one run, on one
 * server: the four alone; with the flood and the rate limits off (what tableauth did before it had them); with the
 * flood and the limits at their defaults. Printed per phase: the real users' logins per second and their p50 and
 * p99, as ratios to the phase without the flood, and what the flood got. Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=AbuseBench -Dsurefire.failIfNoSpecifiedTests=false -Dtableauth.it.cluster.skip=true -Dtableauth.it.compat.skip=true [-Dtableauth.bench.seconds=60]</pre>
 */
class AbuseBench extends RestFixture {

    /** Seconds per phase: at least one whole rate-limit window (60 s by default). */
    private static final int SECONDS = Integer.getInteger("tableauth.bench.seconds", 60);
    private static final int USERS = 400;
    private static final int REAL_CLIENTS = 4;
    private static final int FLOOD_CLIENTS = 8;
    /** Other users of the table, whose passwords the flood guesses. */
    private static final int VICTIMS = 50;
    private static final String FLOODER = "192.0.2.66";
    private static final String PER_IP = System.getProperty("tableauth.bench.rateLimitPerIp", "");

    private record Phase(String name, double loginsPerSecond, double p50, double p99, long refused,
                         double floodPerSecond, long floodLimited, long floodHashed) {
    }

    @Test
    void aFloodFromOneAddressLeavesRealUsersTheirLogins() throws Exception {
        try (Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE real_users (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                + "is_active BOOLEAN NOT NULL DEFAULT TRUE, role VARCHAR(50))");
        }
        // one table, as an application has: bcrypt cost 10 kept as it is (no rehash to the config's cost on login);
        // Keycloak's brute-force detection off, as it is by default (it would lock the flood's victims, not spare CPU)
        for (String other : List.of(membersId, staffId)) {
            var config = realm.admin().components().component(other).toRepresentation();
            config.getConfig().putSingle("enabled", "false");
            realm.admin().components().component(other).update(config);
        }
        updateRealm(r -> r.setBruteForceProtected(false));
        SqlAuthConfigs.add(realm, "real_users", 2, SqlAuthConfigs.over(db, "real_users", "email",
            Map.of("bcryptCost", "10", "rehashOnLogin", "false")));
        List<String> all = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO real_users "
            + "(email, password, first_name, last_name, is_active) VALUES (?, ?, 'Real', 'User', true)")) {
            for (int i = 0; i < USERS + VICTIMS; i++) {
                String email = unique(i < USERS ? "real" + i : "victim" + i);
                ps.setString(1, email);
                ps.setString(2, TABLE_HASH); // bcrypt, cost 10, as PHP wrote it
                ps.addBatch();
                all.add(email);
            }
            ps.executeBatch();
        }
        List<String> users = all.subList(0, USERS);
        List<String> victims = all.subList(USERS, USERS + VICTIMS);
        setting("rateLimitPerIp", "0");
        setting("rateLimitPerIdentifier", "0");
        run("warm-up", users, victims, false, 10);

        List<Phase> phases = new ArrayList<>();
        phases.add(run("real users alone", users, victims, false, SECONDS));
        phases.add(run("flood, no rate limits", users, victims, true, SECONDS));
        // the defaults, unless -Dtableauth.bench.rateLimitPerIp=N asks for another per-address limit
        setting("rateLimitPerIp", PER_IP);
        setting("rateLimitPerIdentifier", "");
        phases.add(run(PER_IP.isEmpty() ? "flood, default rate limits" : "flood, " + PER_IP + " calls/min/address",
            users, victims, true, SECONDS));

        Phase alone = phases.get(0);
        System.out.printf(Locale.ROOT, "%nAbuseBench: %d s per phase; %d real clients (bcrypt-10 table users, a new "
            + "address per call), %d flooding clients (wrong passwords, one address)%n", SECONDS, REAL_CLIENTS,
            FLOOD_CLIENTS);
        for (Phase p : phases) {
            System.out.printf(Locale.ROOT, "  %-28s real logins %6.1f/s (%.2fx)  p50 %7.1f ms (%.2fx)  p99 %7.1f ms "
                    + "(%.2fx)  refused %d   flood %7.1f calls/s, %d answered 429, %d reached a hash%n",
                p.name(), p.loginsPerSecond(), p.loginsPerSecond() / alone.loginsPerSecond(), p.p50(),
                p.p50() / alone.p50(), p.p99(), p.p99() / alone.p99(), p.refused(), p.floodPerSecond(),
                p.floodLimited(), p.floodHashed());
        }
        setting("rateLimitPerIp", "1000000");
        setting("rateLimitPerIdentifier", "1000000");
    }

    private Phase run(String name, List<String> users, List<String> victims, boolean flood, int seconds)
        throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong refused = new AtomicLong();
        ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        AtomicLong floodCalls = new AtomicLong();
        AtomicLong floodLimited = new AtomicLong();
        AtomicLong floodHashed = new AtomicLong();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(REAL_CLIENTS + FLOOD_CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        try {
            for (int t = 0; t < REAL_CLIENTS; t++) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int n = next.getAndIncrement();
                        String address = "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
                        long t0 = System.nanoTime();
                        Http.Response r = postJson(api("v1/platform/auth/login"),
                            body("email", users.get(n % users.size()), "password", TABLE_PASSWORD),
                            "X-Forwarded-For", address);
                        times.add(System.nanoTime() - t0);
                        if (r.status() != 200) {
                            refused.incrementAndGet();
                            if (samples.size() < 3) {
                                samples.add(r.toString());
                            }
                        }
                    }
                }));
            }
            if (flood) {
                for (int t = 0; t < FLOOD_CLIENTS; t++) {
                    clients.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            Http.Response r = postJson(api("v1/platform/auth/login"),
                                body("email", victims.get(ThreadLocalRandom.current().nextInt(VICTIMS)),
                                    "password", "not the password"),
                                "X-Forwarded-For", FLOODER);
                            floodCalls.incrementAndGet();
                            (r.status() == 429 ? floodLimited : floodHashed).incrementAndGet();
                        }
                    }));
                }
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        samples.forEach(s -> System.out.println("[bench] " + name + ": a real login refused: " + s));
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return new Phase(name, (double) (sorted.size() - refused.get()) / seconds, pct(sorted, 50), pct(sorted, 99),
            refused.get(), (double) floodCalls.get() / seconds, floodLimited.get(), floodHashed.get());
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }
}
