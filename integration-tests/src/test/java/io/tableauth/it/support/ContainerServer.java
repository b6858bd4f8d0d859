package io.tableauth.it.support;

import java.io.File;
import java.net.URI;
import java.util.List;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.Assumptions;
import org.keycloak.admin.client.Keycloak;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image docker/Dockerfile builds (the official Keycloak image with the bundle), run through
 * testcontainers-keycloak in dev mode. Needs a Docker engine.
 */
final class ContainerServer implements KeycloakServer {

    private final KeycloakContainer container;

    private ContainerServer(KeycloakContainer container) {
        this.container = container;
    }

    private static final String NO_DOCKER = "-Dtableauth.it.engine=container needs a Docker engine and none is "
        + "reachable here: every Keycloak test is SKIPPED. Drop the flag to run them on the Keycloak distribution "
        + "(the default).";

    static ContainerServer start(File bundleJar) {
        if (!dockerAvailable()) {
            // Failsafe reports a class aborted in @BeforeAll as "Tests run: 0" without the reason: say it here.
            System.err.println("[tableauth-it] " + NO_DOCKER);
            Assumptions.abort(NO_DOCKER);
        }
        // the project's own Dockerfile, with the freshly built bundle where its COPY expects it
        String image = new ImageFromDockerfile("tableauth-keycloak-it", false)
            .withFileFromPath("Dockerfile", TestSettings.dockerDir().resolve("Dockerfile"))
            .withFileFromFile("target/tableauth-keycloak.jar", bundleJar)
            .withBuildArg("KEYCLOAK_VERSION", TestSettings.required("tableauth.it.keycloak.version"))
            .get();
        KeycloakContainer container = new KeycloakContainer(image)
            .withAdminUsername(ADMIN_USER)
            .withAdminPassword(ADMIN_PASSWORD)
            .withFeaturesEnabled("declarative-ui");
        container.start();
        return new ContainerServer(container);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public URI baseUri() {
        return URI.create(container.getAuthServerUrl().replaceAll("/+$", ""));
    }

    @Override
    public Keycloak admin() {
        return container.getKeycloakAdminClient();
    }

    @Override
    public String logTail(int lines) {
        return LogTail.of(List.of(container.getLogs().split("\n")), lines);
    }

    @Override
    public void close() {
        container.stop();
    }
}
