package io.tableauth.authenticator;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.ConfigurableAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * What the two hook steps (login and signup) share as flow steps: Required or Disabled, nothing to configure on
 * the step (the code lives on the auth config or the realm's settings, where saving checks it), no state.
 */
abstract class HookStepFactory implements ConfigurableAuthenticatorFactory {

    private static final Requirement[] REQUIREMENT_CHOICES = {Requirement.REQUIRED, Requirement.DISABLED};

    /**
     * None, as Keycloak's own Deny access: a step's refusal counts for brute-force detection only when its category is
     * none or a credential type, and a hook's denial is a failed login like any other.
     */
    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return REQUIREMENT_CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    // ProviderFactory's, implemented here for both subclasses' factory interfaces.
    public void init(Config.Scope config) {
    }

    public void postInit(KeycloakSessionFactory factory) {
    }

    public void close() {
    }
}
