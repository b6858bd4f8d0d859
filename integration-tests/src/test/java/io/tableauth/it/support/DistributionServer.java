package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;

/**
 * The official Keycloak distribution ({@code keycloak-quarkus-dist} zip, unpacked by Maven) run as a child
 * process in dev mode on free loopback ports, with the freshly built bundle in {@code providers/}.
 * Its log goes to {@code target/keycloak-it/server.log}. The process tree is stopped on close, from a JVM
 * shutdown hook when the build is interrupted, and — should both be skipped by a kill -9 — at the next
 * start, through the pid file left behind.
 */
final class DistributionServer implements KeycloakServer {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final Path home;
    private final Path log;
    private final Path pidFile;
    private final URI baseUri;
    private final URI readyUri;
    private final Process process;
    private final Thread shutdownHook;
    private Keycloak admin;

    private final TestDatabase database;
    private final boolean ownsDatabase;

    private DistributionServer(Path home, Path log, Path pidFile, int httpPort, int managementPort, Process process,
                               TestDatabase database, boolean ownsDatabase) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.home = home;
        this.log = log;
        this.pidFile = pidFile;
        this.baseUri = URI.create("http://127.0.0.1:" + httpPort);
        this.readyUri = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        this.process = process;
        this.shutdownHook = new Thread(this::stopProcessTree, "keycloak-it-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public String threadDump() {
        ProcessHandle jvm = java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                process.descendants())
            .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .findFirst().orElseThrow(() -> new IllegalStateException("Keycloak's JVM not found"));
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process dump = new ProcessBuilder(jcmd, Long.toString(jvm.pid()), "Thread.print")
                .redirectErrorStream(true).start();
            String out = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            dump.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("jcmd failed", e);
        }
    }

    /** Prepares a clean copy of the distribution's state, installs the bundle and starts Keycloak. */
    static DistributionServer start(Path bundleJar) {
        Path home = Path.of(TestSettings.required("tableauth.it.keycloak.dist"));
        Path work = Path.of(TestSettings.required("tableauth.it.work.dir"));
        if (!Files.exists(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + home
                + ": run the tests through Maven (./mvnw verify), which unpacks it in pre-integration-test.");
        }
        try {
            killLeftover(work.resolve("keycloak.pid")); // before its files are reset under it
            resetState(home, bundleJar);
            // Keycloak's own database is a fresh PostgreSQL database, as in production: tableauth's Liquibase
            // changelog runs on it, and tests read the rows Keycloak keeps (API keys) from it.
            TestDatabase database = TestDatabase.postgres().create();
            return startOnFreePorts(home, work, database);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Keycloak from " + home, e);
        }
    }

    /**
     * What the server operator allows the suite's auth configs: the test databases on the local PostgreSQL and
     * MariaDB servers (every test database is named tableauth_it_...), H2 files under the work folder, and Keycloak's
     * file vault in {@link TestSettings#vaultDir()}.
     */
    static List<String> operatorOptions(Path work) throws IOException {
        Path vault = Files.createDirectories(TestSettings.vaultDir());
        String h2 = work.toAbsolutePath().resolve("h2").normalize().toString();
        return List.of(
            "--spi-storage--tableauth-sql--allowed-jdbc-urls=postgresql://127.0.0.1:*/tableauth_it_*,"
                + "mariadb://127.0.0.1:*/tableauth_it_*,h2:file:" + h2 + "/**",
            "--spi-storage--tableauth-sql--allow-h2=true",
            "--vault=file",
            "--vault-dir=" + vault.toAbsolutePath());
    }

    /** The runtime options that point Keycloak at its database. */
    static List<String> databaseArgs(TestDatabase database) {
        List<String> args = new ArrayList<>(List.of("--db-url=" + database.jdbcUrl(),
            "--db-username=" + database.user()));
        if (database.password() != null && !database.password().isEmpty()) {
            args.add("--db-password=" + database.password());
        }
        return args;
    }

    /**
     * Starts Keycloak on two ports the system reported free. Keycloak binds them itself, so another process could take
     * one in between: a start that fails because a port is taken is tried again on new ports (three times at most).
     */
    private static DistributionServer startOnFreePorts(Path home, Path work, TestDatabase database) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int httpPort = freePort();
            int managementPort = freePort();
            try {
                return start(home, work, database, httpPort, managementPort);
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !lostAPort(e)) {
                    throw e;
                }
                System.err.println("[tableauth-it] a port was taken before Keycloak bound it; starting again");
            }
        }
    }

    /** Whether a start failed because a port it was given was taken by then (its log says so). */
    static boolean lostAPort(IllegalStateException e) {
        String why = String.valueOf(e.getMessage());
        return why.contains("Address already in use") || why.contains("Port already bound")
            || why.contains("BindException");
    }

    private static DistributionServer start(Path home, Path work, TestDatabase database, int httpPort,
                                            int managementPort) throws IOException {
        List<String> args = new ArrayList<>(List.of("start-dev"));
        // -Dtableauth.it.keycloak.db=dev-file: Keycloak's own dev database (H2), as a first-time user runs it
        if ("dev-file".equals(System.getProperty("tableauth.it.keycloak.db"))) {
            args.add("--db=dev-file");
        } else {
            args.add("--db=postgres");
            args.addAll(databaseArgs(database));
        }
        args.addAll(List.of(
            "--http-host=127.0.0.1",
            "--http-port=" + httpPort,
            "--http-management-port=" + managementPort,
            "--health-enabled=true",
            "--metrics-enabled=true",
            // the admin console's extension tabs (tableauth settings, a user's API keys), as demo.sh runs it
            "--features=declarative-ui",
            // as behind a reverse proxy on the same host: X-Forwarded-For from loopback names the client, which is
            // how the rate-limit tests and benchmarks act as many clients
            "--proxy-headers=xforwarded",
            "--proxy-trusted-addresses=127.0.0.1"));
        args.addAll(operatorOptions(work));
        // e.g. -Dtableauth.it.keycloak.log=org.keycloak.services.managers.DefaultBruteForceProtector:debug
        String log = System.getProperty("tableauth.it.keycloak.log", "");
        if (!log.isBlank()) {
            args.add("--log-level=INFO," + log);
        }
        // e.g. -Dtableauth.it.keycloak.args=--spi-brute-force-protector--provider=default-brute-force-detector
        for (String extra : System.getProperty("tableauth.it.keycloak.args", "").trim().split("\\s+")) {
            if (!extra.isEmpty()) {
                args.add(extra);
            }
        }
        return launch(home, work, httpPort, managementPort, args, database, true);
    }

    /**
     * Starts {@code kc.sh <args>} in {@code home}, logging to {@code work/server.log}, and waits until it is ready.
     * The database is closed with the server when it is the server's own.
     */
    static DistributionServer launch(Path home, Path work, int httpPort, int managementPort, List<String> args,
                                     TestDatabase database, boolean ownsDatabase) throws IOException {
        return launch(home, work, httpPort, managementPort, args, database, ownsDatabase, Map.of());
    }

    /** As above, with more environment variables for kc.sh (e.g. {@code JAVA_OPTS_APPEND}). */
    static DistributionServer launch(Path home, Path work, int httpPort, int managementPort, List<String> args,
                                     TestDatabase database, boolean ownsDatabase, Map<String, String> extraEnv)
        throws IOException {
        Files.createDirectories(work);
        Path pidFile = work.resolve("keycloak.pid");
        killLeftover(pidFile);
        Path log = work.resolve("server.log");
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // kc.sh's default heap is 70% of RAM; tests need far less, and a cluster test runs two nodes.
        env.putIfAbsent("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1536m");
        env.putAll(extraEnv);
        Process process = builder.start();
        DistributionServer server = new DistributionServer(home, log, pidFile, httpPort, managementPort, process,
            database, ownsDatabase);
        server.awaitReady();
        return server;
    }

    /** A fresh data/ and the bundle as the only jar in providers/: every suite, and the cluster's base, from scratch. */
    static void resetState(Path home, Path bundleJar) throws IOException {
        deleteTree(home.resolve("data"));
        Path providers = home.resolve("providers");
        Files.createDirectories(providers);
        try (Stream<Path> files = Files.list(providers)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".jar")) {
                    Files.delete(file);
                }
            }
        }
        Files.copy(bundleJar, providers.resolve(bundleJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
                    + " before it was ready. Log " + log + ":\n" + logTail(60));
            }
            writePidFile();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(readyUri)
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(500));
        }
        String tail = logTail(60);
        close();
        throw new IllegalStateException("Keycloak was not ready within " + STARTUP_TIMEOUT + ". Log " + log + ":\n" + tail);
    }

    /** kc.sh runs Keycloak's JVM as its child; record that JVM's pid so a later run can clean up after kill -9. */
    private void writePidFile() {
        List<String> pids = new ArrayList<>();
        pids.add(Long.toString(process.pid()));
        process.descendants().forEach(p -> pids.add(Long.toString(p.pid())));
        try {
            Files.writeString(pidFile, String.join("\n", pids) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void killLeftover(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        for (String line : Files.readAllLines(pidFile)) {
            if (line.isBlank()) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(line.trim()))
                .filter(p -> p.info().commandLine().map(c -> c.contains("keycloak") || c.contains("kc.sh")).orElse(false))
                .ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().join();
                });
        }
        Files.delete(pidFile);
    }

    @Override
    public URI managementUri() {
        return readyUri.resolve("/");
    }

    @Override
    public URI baseUri() {
        return baseUri;
    }

    @Override
    public synchronized Keycloak admin() {
        if (admin == null) {
            admin = Keycloak.getInstance(baseUri.toString(), "master", ADMIN_USER, ADMIN_PASSWORD, "admin-cli");
        }
        return admin;
    }

    @Override
    public TestDatabase keycloakDatabase() {
        return database;
    }

    @Override
    public String logTail(int lines) {
        return LogTail.of(log, lines);
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        stopProcessTree();
        if (ownsDatabase) {
            database.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook itself is running
        }
    }

    /** SIGTERM to kc.sh and the JVM it started, then SIGKILL whatever is left after 30 s. */
    private void stopProcessTree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // best effort: a stale pid file is checked before it is used
        }
    }

    /** kill -9 of Keycloak's JVM: no shutdown, no goodbye to the cluster, requests in flight cut off. */
    void kill() {
        Stream.concat(Stream.of(process.toHandle()), process.descendants())
            .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .forEach(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Keycloak distribution " + home + " at " + baseUri + " (log " + log + ")";
    }
}
