package io.tableauth.keycloak;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.managers.BruteForceProtectorFactory;
import org.keycloak.services.managers.DefaultBruteForceProtector;

/**
 * Makes {@link SerializingBruteForceProtector} Keycloak's brute-force detection once the bundle is installed (it
 * outranks Keycloak's own by {@link #order()}). An operator can go back to Keycloak's with
 * {@code --spi-brute-force-protector--provider=default-brute-force-detector}.
 */
public class SerializingBruteForceProtectorFactory implements BruteForceProtectorFactory {

    public static final String PROVIDER_ID = "tableauth-brute-force-detector";

    private DefaultBruteForceProtector protector;

    @Override
    public BruteForceProtector create(KeycloakSession session) {
        return protector;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        KeycloakInternals.announce();
        // on a Keycloak release tableauth does not support, its detector's overrides may not fit: Keycloak's own
        protector = KeycloakInternals.release().supported() ? new SerializingBruteForceProtector(factory)
            : new DefaultBruteForceProtector(factory);
    }

    @Override
    public void close() {
        if (protector != null) {
            protector.shutdown();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 10;
    }
}
