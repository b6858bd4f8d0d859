package io.tableauth.keycloak;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.directgrant.ValidateOTP;
import org.keycloak.common.Version;
import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * Keycloak's direct-grant one-time-code step ({@code direct-grant-validate-otp}), asking the user's user storage too.
 * Keycloak's own asks only the OTP credentials Keycloak stores (its browser form asks the user's credential manager,
 * this step does not), so a table user whose auth config reads the application's own second factor (django-otp) would
 * pass the realm's conditional OTP step on the password alone: on the token endpoint and on every REST login. This
 * factory has Keycloak's id and replaces Keycloak's (a provider's factory outranks Keycloak's internal one of the same
 * id); for every user whose code Keycloak keeps, it is Keycloak's own step, unchanged.
 */
public class FederatedValidateOTP extends ValidateOTP {

    private static final KeycloakRelease RELEASE = KeycloakRelease.of(Version.VERSION);

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return super.configuredFor(session, realm, user) || storageKeepsCode(session, realm, user);
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null || super.configuredFor(context.getSession(), context.getRealm(), user)
            || !storageKeepsCode(context.getSession(), context.getRealm(), user)) {
            super.authenticate(context);
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String otp = form.getFirst("otp") != null ? form.getFirst("otp") : form.getFirst("totp");
        if (otp != null && user.credentialManager().isValid(new UserCredentialModel(null, OTPCredentialModel.TYPE,
            otp))) {
            context.success();
            return;
        }
        // what Keycloak's step answers, on each release
        context.getEvent().user(user);
        context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
        Response challenge = errorResponse(RELEASE.supported() && RELEASE.before26_6()
            ? Response.Status.UNAUTHORIZED.getStatusCode() : Response.Status.BAD_REQUEST.getStatusCode(),
            "invalid_grant", "Invalid user credentials");
        context.failure(AuthenticationFlowError.INVALID_USER, challenge);
    }

    /**
     * The user's user storage says the user has a one-time code (the application's own second factor). Asked of the
     * storage alone: Keycloak's stored codes were asked already.
     */
    private static boolean storageKeepsCode(KeycloakSession session, RealmModel realm, UserModel user) {
        if (user == null || user.getFederationLink() == null) {
            return false;
        }
        ComponentModel model = realm.getComponent(user.getFederationLink());
        if (model == null || !new UserStorageProviderModel(model).isEnabled()) {
            return false;
        }
        UserStorageProvider storage = session.getProvider(UserStorageProvider.class, model);
        return storage instanceof CredentialInputValidator validator
            && validator.supportsCredentialType(OTPCredentialModel.TYPE)
            && validator.isConfiguredFor(realm, user, OTPCredentialModel.TYPE);
    }
}
