package io.tableauth.rest.apikey;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Adds {@link ApiKeyEntity} and its Liquibase changelog to Keycloak's own persistence unit, and makes keys die with
 * their user or realm: the deletion runs in the same transaction as the user's or realm's.
 */
public class ApiKeyEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String PROVIDER_ID = "tableauth-api-keys";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(ApiKeyEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/tableauth-api-keys-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return PROVIDER_ID;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Operator option: API keys each node holds for forward-auth and the key grant (least recently used go). */
    public static final String OPTION_HELD_KEYS = "held-keys";

    @Override
    public void init(Config.Scope config) {
        HeldKeys.capacity(config.getInt(OPTION_HELD_KEYS, HeldKeys.DEFAULT_CAPACITY));
    }

    @Override
    public java.util.List<org.keycloak.provider.ProviderConfigProperty> getConfigMetadata() {
        return org.keycloak.provider.ProviderConfigurationBuilder.create()
            .property().name(OPTION_HELD_KEYS).type(org.keycloak.provider.ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(HeldKeys.DEFAULT_CAPACITY)
            .helpText("API keys each node holds after a use, so that the next use of a held key reads no row; past "
                + "it the least recently used key goes.").add()
            .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                deleteKeys(removed.getKeycloakSession(), "tableauthApiKeysDeleteOfUser", removed.getRealm())
                    .setParameter("userId", removed.getUser().getId()).executeUpdate();
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                deleteKeys(removed.getKeycloakSession(), "tableauthApiKeysDeleteOfRealm", removed.getRealm())
                    .executeUpdate();
            }
        });
    }

    private static jakarta.persistence.Query deleteKeys(KeycloakSession session, String query, RealmModel realm) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager().createNamedQuery(query)
            .setParameter("realmId", realm.getId());
    }

    @Override
    public void close() {
    }
}
