package io.tableauth.authenticator;

import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.models.KeycloakSession;

/** Registers the "tableauth signup hook" step of registration forms. */
public class SignupHookFormActionFactory extends HookStepFactory implements FormActionFactory {

    /** Provider id of the signup hook step. */
    public static final String PROVIDER_ID = "tableauth-signup-hook";

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
    public String getHelpText() {
        return "Runs the signup hook (JavaScript) of the auth config new users go into, or the realm's signup hook in "
            + "the tableauth settings. Also switches the hook on for the REST sign-up endpoints.";
    }
}
