package io.tableauth.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** System properties the Maven build hands to the tests (see integration-tests/pom.xml). */
public final class TestSettings {

    private TestSettings() {
    }

    static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name
                + " is not set: run the tests through Maven (./mvnw verify), which sets it.");
        }
        return value;
    }

    /**
     * A compatibility run (the smoke subset on another Keycloak release): a test that walks every dialect for one
     * release-dependent mechanism may walk fewer there, the dialects being the same code on every release.
     */
    public static boolean compatRun() {
        return Boolean.getBoolean("tableauth.it.compat");
    }

    /** The built bundle jar; fails with the command that builds it when it is missing. */
    public static Path bundleJar() {
        Path jar = Path.of(required("tableauth.bundle.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The bundle " + jar + " is not built: run ./mvnw -DskipTests package first.");
        }
        return jar;
    }

    /** Keycloak's file vault of the suite's server: a secret {@code key} of realm {@code r} is the file {@code r_key}. */
    public static Path vaultDir() {
        return Path.of(required("tableauth.it.work.dir")).toAbsolutePath().resolve("vault");
    }

    /** The demo realm that README's demo imports, also imported by the smoke test. */
    public static Path demoRealm() {
        return Path.of(required("tableauth.demo.realm"));
    }

    /** The Docker build context and compose folder, {@code docker/}. */
    public static Path dockerDir() {
        return Path.of(required("tableauth.it.docker.dir"));
    }

    /** {@code distribution} (default: the official zip as a process) or {@code container} (Docker image). */
    static String engine() {
        return System.getProperty("tableauth.it.engine", "distribution");
    }
}
