package io.tableauth.authenticator;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers the "tableauth signup hook" step of registration forms. */
public class SignupHookFormActionFactory implements FormActionFactory {

    /** Provider id of the signup hook step. */
    public static final String PROVIDER_ID = "tableauth-signup-hook";

    private static final Requirement[] REQUIREMENT_CHOICES = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public FormAction create(KeycloakSession session) {
        return SignupHookFormAction.INSTANCE;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "tableauth signup hook";
    }

    @Override
    public String getReferenceCategory() {
        return "tableauth-hook";
    }

    @Override
    public String getHelpText() {
        return "Runs the signup hook (JavaScript) of the auth config new users go into, or the realm's signup hook in "
            + "the tableauth settings. Also switches the hook on for the REST sign-up endpoints.";
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
