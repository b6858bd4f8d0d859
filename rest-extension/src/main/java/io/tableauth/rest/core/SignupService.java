package io.tableauth.rest.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tableauth.authenticator.Hooks;
import io.tableauth.hook.HookOutcome;
import io.tableauth.storage.AuthConfigScope;
import io.tableauth.storage.SqlUserStorageConfig;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * Sign-up through the realm's user profile (registration rules), password policy and signup hook, into the auth
 * config's table when the project names one. Either everything is written or, on any error, nothing.
 */
public final class SignupService {

    private static final Logger LOG = Logger.getLogger(SignupService.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public SignupService(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * Counts a sign-up naming this e-mail or username against the rate limits, for a dialect that checks something
     * costly (a format, a Bearer token) before it calls {@link #signup}, which then does not count the request again.
     * {@link AuthError.Kind#RATE_LIMITED} when over a limit.
     */
    public void count(String identifier) {
        new RateLimits(session).check(identifier);
    }

    /**
     * Creates a user through the realm's user profile (registration rules) and password policy, in the auth config's
     * table when the project names one (else wherever Keycloak puts new users: a config with "new users go into this
     * table", or Keycloak itself). Either everything is written or, on any error, nothing.
     */
    public UserModel signup(Project project, Signup request) {
        new RateLimits(session).check(request.email() != null ? request.email() : request.username());
        if (!realm.isRegistrationAllowed()) {
            throw new AuthError(AuthError.Kind.FORBIDDEN, "Sign-up is switched off for this realm");
        }
        if (project.authConfig() != null) {
            SqlUserStorageConfig config = SqlUserStorageConfig.from(project.authConfig());
            if (!config.writable() || !config.signupAllowed()) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, "Sign-up is not allowed for this auth config");
            }
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw AuthError.validation("password", "The password is required.");
        }
        // Every table must answer: the new user goes into one, and the username and e-mail must be free in all.
        Availability.require(session, realm, null, "Sign-up");
        Map<String, Object> attributes = new HashMap<>();
        putIfPresent(attributes, UserModel.USERNAME, request.username());
        putIfPresent(attributes, UserModel.EMAIL, request.email());
        putIfPresent(attributes, UserModel.FIRST_NAME, request.firstName());
        putIfPresent(attributes, UserModel.LAST_NAME, request.lastName());
        PolicyError policy = session.getProvider(PasswordPolicyManagerProvider.class)
            .validate(request.username() != null ? request.username() : request.email(), request.password());
        if (policy != null) {
            throw AuthError.validation("password", message(policy.getMessage(), policy.getParameters()));
        }
        if (project.authConfig() != null && AuthConfigScope.unscoped(session, () -> taken(request))) {
            // A scoped sign-up must not shadow a user of another table or of Keycloak in unscoped logins and resets.
            throw new AuthError(AuthError.Kind.USER_EXISTS, "User already exists");
        }
        UserProfile profile = session.getProvider(UserProfileProvider.class)
            .create(UserProfileContext.REGISTRATION, attributes);
        try {
            profile.validate();
        } catch (ValidationException e) {
            throw profileError(e);
        }
        runSignupHook(project, request);
        Availability.require(session, realm, null, "Sign-up"); // a lookup above may have found a table out of reach
        EventBuilder event = Events.of(session).event(EventType.REGISTER).detail(Details.REGISTER_METHOD, "tableauth-rest")
            .detail(Details.USERNAME, request.username()).detail(Details.EMAIL, request.email());
        try {
            UserModel user = profile.create();
            user.setEnabled(true);
            if (user.getCreatedTimestamp() == null) {
                user.setCreatedTimestamp(Time.currentTimeMillis()); // a table user keeps it in federated storage
            }
            PolicyError userPolicy = session.getProvider(PasswordPolicyManagerProvider.class)
                .validate(realm, user, request.password());
            if (userPolicy != null) {
                throw AuthError.validation("password", message(userPolicy.getMessage(), userPolicy.getParameters()));
            }
            user.credentialManager().updateCredential(UserCredentialModel.password(request.password(), false));
            if (project.authConfig() != null && !project.authConfigId().equals(user.getFederationLink())) {
                throw new AuthError(AuthError.Kind.INTERNAL, "The new user was not stored in the auth config's table");
            }
            if (request.extra() != null) {
                request.extra().accept(user);
            }
            event.user(user).success();
            new EmailVerification(session).afterSignup(user);
            return user;
        } catch (AuthError e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            throw e;
        } catch (ValidationException e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            throw profileError(e);
        } catch (ModelException e) {
            session.getTransactionManager().setRollbackOnly();
            event.error(Errors.INVALID_REGISTRATION);
            LOG.debugf("tableauth: sign-up refused: %s", e.getMessage());
            throw AuthError.validation("password", e.getMessage() == null ? "The password was refused."
                : message(e.getMessage(), e.getParameters()));
        }
    }

    /** The signup hook, when the realm's registration flow has it: the same step as on the registration page. */
    private void runSignupHook(Project project, Signup request) {
        if (!Hooks.signupHookEnabled(realm)) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(UserModel.USERNAME, request.username());
        fields.put(UserModel.EMAIL, request.email());
        fields.put(UserModel.FIRST_NAME, request.firstName());
        fields.put(UserModel.LAST_NAME, request.lastName());
        ComponentModel target = project.authConfig() != null ? project.authConfig() : Hooks.signupTarget(realm);
        HookOutcome outcome = Hooks.signup(realm, target, fields);
        if (!outcome.allowed()) {
            Events.of(session).event(EventType.REGISTER).detail(Details.REGISTER_METHOD, "tableauth-rest")
                .detail(Details.USERNAME, request.username()).detail(Details.EMAIL, request.email())
                .detail(Details.REASON, outcome.verdict() == HookOutcome.Verdict.DENY
                    ? "tableauth signup hook denied" : "tableauth signup hook stopped: " + outcome.reason())
                .error(Errors.INVALID_REGISTRATION);
            throw new AuthError(AuthError.Kind.FORBIDDEN, outcome.message());
        }
    }

    /** Whether the username or e-mail belongs to someone in any auth config of the realm or in Keycloak itself. */
    private boolean taken(Signup request) {
        return request.username() != null && session.users().getUserByUsername(realm, request.username().trim()) != null
            || request.email() != null && session.users().getUserByEmail(realm, request.email().trim()) != null;
    }

    private static void putIfPresent(Map<String, Object> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, value.trim());
        }
    }

    public AuthError profileError(ValidationException e) {
        boolean exists = e.getErrors().stream().anyMatch(err ->
            "usernameExistsMessage".equals(err.getMessage()) || "emailExistsMessage".equals(err.getMessage())
                || "error-user-attribute-email-exists".equals(err.getMessage())
                || "error-username-exists".equals(err.getMessage()));
        if (exists) {
            return new AuthError(AuthError.Kind.USER_EXISTS, "User already exists");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (ValidationException.Error err : e.getErrors()) {
            fields.putIfAbsent(err.getAttribute(), message(err.getMessage(), err.getMessageParameters()));
        }
        String first = fields.values().stream().findFirst().orElse("Invalid data");
        return new AuthError(AuthError.Kind.VALIDATION, first, fields);
    }

    /** A Keycloak message key with parameters, in English, as the login theme words it. */
    private String message(String key, Object... params) {
        return new PasswordService(session).message(key, params);
    }
}
