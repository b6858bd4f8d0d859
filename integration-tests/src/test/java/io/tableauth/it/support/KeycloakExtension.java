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
        String engine = TestSettings.engine();
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
