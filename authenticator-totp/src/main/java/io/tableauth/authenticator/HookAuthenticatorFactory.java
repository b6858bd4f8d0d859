package io.tableauth.authenticator;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers the "tableauth hook" step that flows use to run an admin's login hook. */
public class HookAuthenticatorFactory implements AuthenticatorFactory {

    /** Provider id of the hook step in authentication flows. */
    public static final String PROVIDER_ID = "tableauth-hook";

    private static final Requirement[] REQUIREMENT_CHOICES = {
        Requirement.REQUIRED, Requirement.DISABLED
    };

    @Override
    public Authenticator create(KeycloakSession session) {
        return HookAuthenticator.INSTANCE;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "tableauth hook";
    }

    @Override
    public String getReferenceCategory() {
        return "tableauth-hook";
    }

    @Override
    public String getHelpText() {
        return "Runs the login hook (JavaScript) of the user's auth config, or the realm's login hook in the tableauth "
            + "settings for Keycloak's own users. Put it after the step that checks the password.";
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
