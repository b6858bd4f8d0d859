package io.tableauth.it.support;

import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts one Keycloak with the bundle for the whole test suite (kept in the root context's store, which
 * closes it when the suite ends), injects it as a {@link KeycloakServer} parameter, and prints the tail of
 * its log whenever a test fails.
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);
    private static final int FAILURE_LOG_LINES = 80;

    /** The suite's server, started on first use. */
    public static KeycloakServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(KeycloakServer.class, k -> startServer(), KeycloakServer.class);
    }

    private static KeycloakServer startServer() {
        long started = System.nanoTime();
        KeycloakServer server = startEngine(TestSettings.engine());
        recordStart((System.nanoTime() - started) / 1e9);
        return server;
    }

    /**
     * One line per server start in {@code target/failsafe-reports/server-starts.tsv} (engine, Keycloak version,
     * seconds), which {@code tools/ci-time.sh} prints beside the test times: a class's report time includes the start
     * of the server it met first.
     */
    private static void recordStart(double seconds) {
        try {
            java.nio.file.Path file = java.nio.file.Path.of("target", "failsafe-reports", "server-starts.tsv");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, String.format(java.util.Locale.ROOT, "%s\t%s\t%.1f%n",
                    TestSettings.engine(), System.getProperty("tableauth.it.keycloak.version", "?"), seconds),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            System.err.println("[tableauth-it] could not record the server start time: " + e);
        }
    }

    private static KeycloakServer startEngine(String engine) {
        return switch (engine) {
            case "distribution" -> DistributionServer.start(TestSettings.bundleJar());
            case "container" -> ContainerServer.start(TestSettings.bundleJar().toFile());
            case "cluster" -> ClusterServer.start(TestSettings.bundleJar());
            default -> throw new IllegalArgumentException("Unknown -Dtableauth.it.engine=" + engine
                + "; use distribution (default), container, or cluster (the cluster execution sets it).");
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Optional.ofNullable(context.getRoot().getStore(NAMESPACE).get(KeycloakServer.class, KeycloakServer.class))
            .ifPresent(server -> System.err.printf("%n--- %s failed; last %d lines of %s ---%n%s%n--- end of Keycloak log ---%n",
                context.getDisplayName(), FAILURE_LOG_LINES, server, server.logTail(FAILURE_LOG_LINES)));
    }
}
