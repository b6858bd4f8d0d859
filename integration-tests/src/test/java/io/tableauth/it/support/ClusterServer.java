package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.keycloak.admin.client.Keycloak;

/**
 * Two Keycloak nodes in production mode ({@code kc.sh start --optimized}) on loopback, clustered by Keycloak's own
 * means (embedded Infinispan, jdbc-ping discovery in the shared database) over one fresh PostgreSQL database, as a
 * team that outgrows one node runs them. Both share one frontend URL (node 0's), as behind a load balancer, so a
 * token issued by either node verifies on both. As a {@link KeycloakServer} it is node 0 (node 1 once node 0 is
 * killed); {@link #node(int)} gives either node. The distribution is copied to {@code target/keycloak-cluster/base}, built once for PostgreSQL, and
 * each node runs from a hard-linked copy of it with a {@code data/} of its own.
 */
public final class ClusterServer implements KeycloakServer {

    public static final int NODES = 2;
    /** A host name each node resolves to its own address ({@link #nodeAddress}): one path per node. */
    public static final String USERS_DB_HOST = "usersdb.tableauth.test";

    /** The loopback address node {@code i} reaches {@link #USERS_DB_HOST} at. */
    public static String nodeAddress(int i) {
        return "127.0.0." + (2 + i);
    }
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(2);

    private final List<DistributionServer> nodes;
    private final TestDatabase database;
    private final java.util.Set<Integer> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ClusterServer(List<DistributionServer> nodes, TestDatabase database) {
        this.nodes = nodes;
        this.database = database;
    }

    static ClusterServer start(Path bundleJar) {
        Path dist = Path.of(TestSettings.required("tableauth.it.keycloak.dist"));
        Path work = Path.of(TestSettings.required("tableauth.it.work.dir"));
        List<DistributionServer> started = new ArrayList<>();
        TestDatabase database = null;
        try {
            for (int i = 0; i < NODES; i++) {
                DistributionServer.killLeftover(work.resolve("node-" + i).resolve("keycloak.pid"));
            }
            DistributionServer.deleteTree(work);
            Path base = work.resolve("base");
            Files.createDirectories(work);
            run(work.resolve("copy.log"), Duration.ofMinutes(2), "cp", "-a", dist.toString(), base.toString());
            DistributionServer.resetState(base, bundleJar);
            // build-time options, once; the nodes then start --optimized
            run(work.resolve("build.log"), BUILD_TIMEOUT, "bash", base.resolve("bin/kc.sh").toString(), "build",
                "--db=postgres", "--health-enabled=true", "--metrics-enabled=true", "--features=declarative-ui");

            database = TestDatabase.postgres().create();
            int frontPort = 0;
            for (int i = 0; i < NODES; i++) {
                Path home = work.resolve("home-" + i);
                run(work.resolve("copy.log"), Duration.ofMinutes(1), "cp", "-al", base.toString(), home.toString());
                // Keycloak binds its three ports itself, so another process may take one between our probe and its
                // bind: a node that loses a port is started again on new ones (three times at most).
                for (int attempt = 1; ; attempt++) {
                    if (i == 0) {
                        frontPort = DistributionServer.freePort();
                    }
                    try {
                        started.add(startNode(work, home, i, frontPort, database));
                        break;
                    } catch (IllegalStateException e) {
                        if (attempt >= 3 || !DistributionServer.lostAPort(e)) {
                            throw e;
                        }
                        System.err.println("[tableauth-it] a port of node " + i + " was taken; starting it again");
                    }
                }
            }
            ClusterServer cluster = new ClusterServer(List.copyOf(started), database);
            cluster.awaitClusterOf(NODES);
            return cluster;
        } catch (IOException | RuntimeException e) {
            started.forEach(DistributionServer::close);
            if (database != null) {
                database.close();
            }
            throw e instanceof IOException io ? new UncheckedIOException("Could not start the cluster", io)
                : (RuntimeException) e;
        }
    }

    /** Starts node {@code i} on new ports; the first node's HTTP port is the front one (the hostname). */
    private static DistributionServer startNode(Path work, Path home, int i, int frontPort, TestDatabase database)
        throws IOException {
        int httpPort = i == 0 ? frontPort : DistributionServer.freePort();
        int managementPort = DistributionServer.freePort();
        List<String> args = new ArrayList<>(List.of("start", "--optimized"));
        args.addAll(DistributionServer.databaseArgs(database));
        args.addAll(List.of(
            "--http-enabled=true",
            "--http-host=127.0.0.1",
            "--http-port=" + httpPort,
            "--http-management-port=" + managementPort,
            "--hostname=http://127.0.0.1:" + frontPort,
            "--proxy-headers=xforwarded", // as the single node: X-Forwarded-For from loopback names the client
            "--proxy-trusted-addresses=127.0.0.1",
            "--cache-embedded-network-bind-address=127.0.0.1",
            "--cache-embedded-network-bind-port=" + DistributionServer.freePort(),
            "--spi-storage--tableauth-sql--removed-config-sweep-seconds=2")); // 10 unless set
        // Each node resolves USERS_DB_HOST to its own loopback address (127.0.0.2, 127.0.0.3), so a test can
        // cut one node's path to a users database (a FaultProxy listening on both) and not the other's.
        Path hosts = Files.createDirectories(work.resolve("node-" + i)).resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost " + java.net.InetAddress.getLocalHost().getHostName()
            + "\n::1 localhost ip6-localhost\n" + nodeAddress(i) + " " + USERS_DB_HOST + "\n");
        // one after the other: the first runs the database migrations (Keycloak's and tableauth's)
        return DistributionServer.launch(home, work.resolve("node-" + i), httpPort, managementPort, args,
            database, false, Map.of("JAVA_OPTS_APPEND", "-Djdk.net.hosts.file=" + hosts.toAbsolutePath()));
    }

    /** Waits until every node's log shows a cluster view of {@code size} members. */
    private void awaitClusterOf(int size) {
        Instant deadline = Instant.now().plus(CLUSTER_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (nodes.stream().allMatch(n -> n.logTail(100_000).lines()
                .anyMatch(l -> l.contains("ISPN000094") && l.contains("(" + size + ")")))) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("The nodes did not form a cluster of " + size + " within " + CLUSTER_TIMEOUT
            + ":\n" + logTail(40));
    }

    private static void run(Path log, Duration timeout, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "):\n"
                + LogTail.of(log, 40));
        }
    }

    /** Node {@code i} (0 or 1). */
    public KeycloakServer node(int i) {
        return nodes.get(i);
    }

    /** kill -9 of node {@code i}'s JVM; from then on the cluster's admin client and URI are another node's. */
    public void kill(int i) {
        killed.add(i);
        nodes.get(i).kill();
    }

    /** The first node not killed: it serves the test's own setup and clean-up. */
    private DistributionServer live() {
        for (int i = 0; i < nodes.size(); i++) {
            if (!killed.contains(i)) {
                return nodes.get(i);
            }
        }
        throw new IllegalStateException("every node of the cluster was killed");
    }

    @Override
    public URI baseUri() {
        return live().baseUri();
    }

    @Override
    public Keycloak admin() {
        return live().admin();
    }

    @Override
    public TestDatabase keycloakDatabase() {
        return database;
    }

    @Override
    public String threadDump() {
        return live().threadDump();
    }

    @Override
    public String logTail(int lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            out.append("--- node ").append(i).append(" ---\n").append(nodes.get(i).logTail(lines)).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        nodes.forEach(DistributionServer::close);
        database.close();
    }

    @Override
    public String toString() {
        return "Keycloak cluster of " + nodes;
    }
}
