package io.tableauth.authenticator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tableauth.hook.HookOutcome;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * Registration-form step that runs the signup hook before the user is created: the hook of the auth config the new
 * user goes into, or the realm's. A refusal re-shows the registration page with the hook's message and the fields
 * as typed; nothing is written.
 */
final class SignupHookFormAction implements FormAction {

    static final SignupHookFormAction INSTANCE = new SignupHookFormAction();

    private SignupHookFormAction() {
    }

    @Override
    public void validate(ValidationContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        Map<String, String> fields = new LinkedHashMap<>();
        form.forEach((name, values) -> fields.put(name, values == null || values.isEmpty() ? null : values.get(0)));
        HookOutcome outcome = Hooks.signup(context.getRealm(), Hooks.signupTarget(context.getRealm()), fields);
        if (outcome.allowed()) {
            context.success();
            return;
        }
        context.getEvent().detail(Details.REASON, outcome.verdict() == HookOutcome.Verdict.DENY
            ? "tableauth signup hook denied" : "tableauth signup hook stopped: " + outcome.reason());
        context.error(Errors.INVALID_REGISTRATION);
        context.validationError(form, List.of(new FormMessage(null, outcome.message())));
    }

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
    }

    @Override
    public void success(FormContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
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
