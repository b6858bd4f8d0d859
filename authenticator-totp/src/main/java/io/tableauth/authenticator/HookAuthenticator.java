package io.tableauth.authenticator;

import io.tableauth.hook.HookOutcome;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

/**
 * Flow step that runs the login hook of the user the flow has identified (their auth config's, or the realm's for
 * Keycloak's own users). Allowed: the flow goes on. Denied: the flow fails as with Keycloak's "Deny access" step,
 * with the hook's message on the login theme's error page, or, in a direct grant (and so every REST login), as the
 * {@code invalid_grant} description that each REST dialect passes on in its own shape.
 */
final class HookAuthenticator implements Authenticator {

    static final HookAuthenticator INSTANCE = new HookAuthenticator();
    /** The flow path Keycloak's token endpoint (direct grant) runs flows under. */
    private static final String DIRECT_GRANT_PATH = "token";
    /** LoginActionsService.AUTHENTICATE_PATH: a browser login (other browser flows keep the error page). */
    private static final String BROWSER_LOGIN_PATH = "authenticate";

    private HookAuthenticator() {
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            // Reset credentials with an unknown e-mail: nothing to check, and the flow must not tell.
            context.success();
            return;
        }
        HookOutcome outcome = Hooks.login(context.getSession(), context.getRealm(), user);
        if (outcome.allowed()) {
            context.success();
            return;
        }
        context.getEvent().detail(Details.REASON, outcome.verdict() == HookOutcome.Verdict.DENY
            ? "tableauth login hook denied" : "tableauth login hook stopped: " + outcome.reason());
        context.getEvent().error(Errors.ACCESS_DENIED);
        if (BROWSER_LOGIN_PATH.equals(context.getFlowPath())) {
            // The login page again, with the hook's message in its alert and the flow started afresh: the user can
            // log in as someone else, as after Keycloak's own "account disabled".
            context.forkWithErrorMessage(new FormMessage(outcome.message()));
            return;
        }
        Response challenge = DIRECT_GRANT_PATH.equals(context.getFlowPath())
            ? Response.status(Response.Status.BAD_REQUEST)
                .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT, outcome.message()))
                .type(MediaType.APPLICATION_JSON_TYPE).build()
            : context.form().setError(outcome.message()).createErrorPage(Response.Status.FORBIDDEN);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, challenge, null, outcome.message());
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false; // checked in authenticate(): an unknown user must not turn into an error page
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
