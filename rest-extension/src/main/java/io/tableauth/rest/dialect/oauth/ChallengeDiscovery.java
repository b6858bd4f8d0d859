package io.tableauth.rest.dialect.oauth;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.representations.OIDCConfigurationRepresentation;
import org.keycloak.wellknown.WellKnownProvider;
import org.keycloak.wellknown.WellKnownProviderFactory;

/**
 * Discovery of the authorization challenge endpoint (draft-ietf-oauth-first-party-apps-04, section 8): the metadata
 * {@code authorization_challenge_endpoint} in the realm's OpenID Connect discovery document and in its RFC 8414
 * authorization server metadata. Each factory takes its alias from Keycloak's own (a lower priority number wins) and
 * serves Keycloak's own document, made by Keycloak's own factory with the operator's settings for it, plus that one
 * field.
 */
public final class ChallengeDiscovery {

    /** The endpoint under the {@code api} mount ({@code ApiRootResource}). */
    public static final String PATH_UNDER_API = "oauth/authorize-challenge";
    /** The endpoint under the realm's URL. */
    public static final String PATH = "api/" + PATH_UNDER_API;
    static final String METADATA = "authorization_challenge_endpoint";

    private ChallengeDiscovery() {
    }

    /** {@code /realms/{realm}/.well-known/openid-configuration}. */
    public static final class OpenIdConfiguration extends Factory {
        public OpenIdConfiguration() {
            super("tableauth-openid-configuration", "openid-configuration", false);
        }
    }

    /**
     * {@code /realms/{realm}/.well-known/oauth-authorization-server} and, from Keycloak 26.6,
     * {@code /.well-known/oauth-authorization-server/realms/{realm}}.
     */
    public static final class AuthorizationServer extends Factory {
        public AuthorizationServer() {
            super("tableauth-oauth-authorization-server", "oauth-authorization-server", true);
        }
    }

    abstract static class Factory implements WellKnownProviderFactory {

        private final String id;
        private final String keycloaks;
        private final boolean serverMetadata;

        Factory(String id, String keycloaks, boolean serverMetadata) {
            this.id = id;
            this.keycloaks = keycloaks;
            this.serverMetadata = serverMetadata;
        }

        @Override
        public WellKnownProvider create(KeycloakSession session) {
            WellKnownProviderFactory own = (WellKnownProviderFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(WellKnownProvider.class, keycloaks);
            WellKnownProvider document = own.create(session);
            return new WellKnownProvider() {
                @Override
                public Object getConfig() {
                    Object config = document.getConfig();
                    if (config instanceof OIDCConfigurationRepresentation representation
                        && session.getContext().getRealm() != null) {
                        representation.setOtherClaims(METADATA, session.getContext().getUri().getBaseUriBuilder()
                            .path("realms").path(session.getContext().getRealm().getName()).path(PATH).build()
                            .toString());
                    }
                    return config;
                }

                @Override
                public void close() {
                    document.close();
                }
            };
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getAlias() {
            return keycloaks;
        }

        /** Below Keycloak's 100: for the alias, the lowest number serves the document. */
        @Override
        public int getPriority() {
            return 50;
        }

        /** Read from Keycloak 26.6 on: whether the root {@code /.well-known/...} path serves this document too. */
        public boolean isAvailableViaServerMetadata() {
            return serverMetadata;
        }

        @Override
        public void init(Config.Scope config) {
        }

        @Override
        public void postInit(KeycloakSessionFactory factory) {
        }

        @Override
        public void close() {
        }
    }
}
