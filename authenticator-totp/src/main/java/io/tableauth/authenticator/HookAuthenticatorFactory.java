package io.tableauth.authenticator;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.KeycloakSession;

/** Registers the "tableauth hook" step that flows use to run an admin's login hook. */
public class HookAuthenticatorFactory extends HookStepFactory implements AuthenticatorFactory {

    /** Provider id of the hook step in authentication flows. */
    public static final String PROVIDER_ID = "tableauth-hook";

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
    public String getHelpText() {
        return "Runs the login hook (JavaScript) of the user's auth config, or the realm's login hook in the tableauth "
            + "settings for Keycloak's own users. Put it after the step that checks the password.";
    }
}
