package io.tableauth.authenticator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tableauth.hook.HookEngine;
import io.tableauth.hook.HookOutcome;
import io.tableauth.storage.SqlUserStorageConfig;
import io.tableauth.storage.SqlUserStorageProvider;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.storage.UserStorageProvider;

/**
 * Which hook applies to whom, and what it sees. A table user's login hook, and the signup hook of a sign-up into a
 * table, are the auth config's (MaskAPI: "each configuration has its own login and signup codes"); Keycloak's own
 * users and sign-ups use the realm's hooks in the tableauth settings. Both are saved through components, so a
 * script with a syntax error is refused when the admin saves it, and every node reads the same code.
 */
public final class Hooks {

    /** Provider id of the realm's tableauth settings component (a realm-settings tab). */
    public static final String SETTINGS_PROVIDER_ID = "tableauth-settings";
    /** Settings key of the realm's login hook (for users outside any auth config). */
    public static final String REALM_LOGIN_HOOK = "loginHook";
    /** Settings key of the realm's signup hook (for sign-ups Keycloak stores itself). */
    public static final String REALM_SIGNUP_HOOK = "signupHook";

    static final String LOGIN_DENIED = "Access denied.";
    static final String LOGIN_STOPPED = "Login is not possible right now: the login check could not be completed.";
    static final String SIGNUP_DENIED = "Sign-up was refused.";
    static final String SIGNUP_STOPPED = "Sign-up is not possible right now: the sign-up check could not be completed.";

    private static final List<String> SECRET_FIELDS = List.of("password", "password-confirm", "passwordConfirm",
        "password_confirmation", "confirmPassword");

    private Hooks() {
    }

    /** Runs the login hook that applies to this user. */
    public static HookOutcome login(KeycloakSession session, RealmModel realm, UserModel user) {
        ComponentModel config = authConfigOf(realm, user.getFederationLink());
        String code = config != null ? config.get(SqlUserStorageProviderFactory.LOGIN_HOOK)
            : realmSetting(realm, REALM_LOGIN_HOOK);
        if (HookEngine.isBlank(code)) {
            return HookOutcome.ALLOWED;
        }
        String name = config != null ? "login hook of auth config " + config.getName()
            : "login hook of realm " + realm.getName();
        return HookEngine.get().run(realm.getId(), name, code, userObject(session, realm, user, config), null,
            LOGIN_DENIED, LOGIN_STOPPED);
    }

    /**
     * Runs the signup hook for a sign-up into {@code target} (an auth config, or {@code null} for Keycloak itself).
     * {@code fields} shows the script what was submitted, as submitted; {@code user} is built only from the profile
     * fields and from what tableauth itself sets on a new user (enabled, e-mail not verified), so a submitted field
     * named {@code emailVerified} or {@code enabled} cannot make a script believe it.
     *
     * @param fields the submitted fields; passwords are left out before the script sees them
     */
    public static HookOutcome signup(RealmModel realm, ComponentModel target, Map<String, String> fields) {
        String code = target != null ? target.get(SqlUserStorageProviderFactory.SIGNUP_HOOK)
            : realmSetting(realm, REALM_SIGNUP_HOOK);
        if (HookEngine.isBlank(code)) {
            return HookOutcome.ALLOWED;
        }
        Map<String, Object> visible = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null && !SECRET_FIELDS.contains(k)) {
                visible.put(k, v);
            }
        });
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", null);
        user.put(UserModel.USERNAME, normalised(fields.get(UserModel.USERNAME), true));
        user.put(UserModel.EMAIL, normalised(fields.get(UserModel.EMAIL), true));
        user.put(UserModel.FIRST_NAME, normalised(fields.get(UserModel.FIRST_NAME), false));
        user.put(UserModel.LAST_NAME, normalised(fields.get(UserModel.LAST_NAME), false));
        user.put(UserModel.ENABLED, true);
        user.put(UserModel.EMAIL_VERIFIED, false);
        user.put("authConfig", target == null ? null : target.getName());
        String name = target != null ? "signup hook of auth config " + target.getName()
            : "signup hook of realm " + realm.getName();
        return HookEngine.get().run(realm.getId(), name, code, user, visible, SIGNUP_DENIED, SIGNUP_STOPPED);
    }

    /** A profile field as Keycloak stores it: trimmed, usernames and e-mails in lower case; blank is null. */
    private static String normalised(String value, boolean lowerCase) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        return lowerCase ? v.toLowerCase(java.util.Locale.ROOT) : v;
    }

    /**
     * The auth config a sign-up on Keycloak's registration page lands in: as Keycloak's user storage decides, the
     * first enabled provider by priority that takes new users; {@code null} when Keycloak keeps the user itself.
     */
    public static ComponentModel signupTarget(RealmModel realm) {
        return SqlUserStorageProviderFactory.enabledAuthConfigs(realm)
            .filter(m -> {
                SqlUserStorageConfig c = SqlUserStorageConfig.from(m);
                return c.writable() && c.signupAllowed();
            })
            .map(ComponentModel.class::cast)
            .findFirst().orElse(null);
    }

    /**
     * Whether the realm's direct grant flow runs the login hook. What logs in without a password (API keys, and the
     * tokens exchanged for them) follows the same switch, so a user the hook blocks loses key access too.
     */
    public static boolean loginHookEnabled(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getDirectGrantFlow();
        return flow != null && hasEnabledStep(realm, flow.getId(), HookAuthenticatorFactory.PROVIDER_ID, 0);
    }

    /** The login hook where the direct grant flow runs it; allowed where it does not. */
    public static HookOutcome loginWithoutPassword(KeycloakSession session, RealmModel realm, UserModel user) {
        return loginHookEnabled(realm) ? login(session, realm, user) : HookOutcome.ALLOWED;
    }

    /** Whether the realm's registration flow runs the signup hook (the REST sign-ups follow the same switch). */
    public static boolean signupHookEnabled(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getRegistrationFlow();
        return flow != null && hasEnabledStep(realm, flow.getId(), SignupHookFormActionFactory.PROVIDER_ID, 0);
    }

    private static boolean hasEnabledStep(RealmModel realm, String flowId, String providerId, int depth) {
        if (depth > 10) {
            return false;
        }
        return realm.getAuthenticationExecutionsStream(flowId)
            .filter(e -> !e.isDisabled())
            .anyMatch(e -> providerId.equals(e.getAuthenticator())
                || (e.isAuthenticatorFlow() && hasEnabledStep(realm, e.getFlowId(), providerId, depth + 1)));
    }

    // --- what the script sees

    private static Map<String, Object> userObject(KeycloakSession session, RealmModel realm, UserModel user,
                                                  ComponentModel config) {
        Map<String, Object> object = new LinkedHashMap<>();
        if (config != null) {
            // The instance Keycloak's user storage uses in this session (it keeps the rows read in this request).
            SqlUserStorageProvider provider = session.getProvider(UserStorageProvider.class, config)
                instanceof SqlUserStorageProvider p ? p : null;
            if (provider != null) {
                object.putAll(provider.hookAttributes(user));
            }
        } else {
            user.getAttributes().forEach((name, values) -> {
                if (!UserModel.USERNAME.equals(name) && !UserModel.EMAIL.equals(name)
                    && !UserModel.FIRST_NAME.equals(name) && !UserModel.LAST_NAME.equals(name)) {
                    object.put(name, values == null || values.isEmpty() ? null
                        : values.size() == 1 ? values.get(0) : List.copyOf(values));
                }
            });
        }
        object.put("id", user.getId());
        object.put("username", user.getUsername());
        object.put("email", user.getEmail());
        object.put("enabled", user.isEnabled());
        object.put("emailVerified", user.isEmailVerified());
        object.put("firstName", user.getFirstName());
        object.put("lastName", user.getLastName());
        object.put("createdTimestamp", user.getCreatedTimestamp());
        object.put("authConfig", config == null ? null : config.getName());
        return object;
    }

    private static ComponentModel authConfigOf(RealmModel realm, String federationLink) {
        if (federationLink == null) {
            return null;
        }
        ComponentModel component = realm.getComponent(federationLink);
        return component != null && SqlUserStorageProviderFactory.PROVIDER_ID.equals(component.getProviderId())
            ? component : null;
    }

    /** The realm's tableauth settings component, if the realm has saved one. */
    public static Optional<ComponentModel> settingsComponent(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiTabProvider.class.getName())
            .filter(c -> SETTINGS_PROVIDER_ID.equals(c.getProviderId()))
            .findFirst();
    }

    private static String realmSetting(RealmModel realm, String key) {
        return settingsComponent(realm).map(c -> c.get(key)).orElse(null);
    }
}
