package io.tableauth.rest.admin;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

/**
 * The "API keys" tab on a user's page in the admin console. Keycloak's declarative UI draws the tab; its content,
 * the user's keys with create, rotate and revoke, is drawn by the tableauth admin theme's script
 * ({@code theme/tableauth/admin/resources/js/tableauth-api-keys.js}) over {@link ApiKeysAdminResource}. A declarative
 * tab can only edit one realm-wide component, so the form underneath holds only a note for consoles that run
 * without the tableauth admin theme, and is never saved.
 */
public class ApiKeysUserTab implements UiTabProvider, UiTabProviderFactory<ComponentModel> {

    /** Provider id; the admin console's message key for the tab's title. */
    public static final String PROVIDER_ID = "tableauth-api-keys";
    /** The tab's last path segment: {@code #/{realm}/users/{id}/api-keys}. */
    public static final String TAB = "api-keys";

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
        .property().name("tableauthAdminTheme").label("API keys").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("Choose the tableauth admin theme to manage keys here")
        .helpText("This user's API keys are listed, created, rotated and revoked on this tab when the realm you log "
            + "in to the admin console with (usually master) has Admin theme: tableauth (Realm settings, Themes). "
            + "Without it, use the admin REST API /admin/realms/{realm}/tableauth-api-keys/users/{id}/keys.").add()
        .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "A user's tableauth API keys";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public String getPath() {
        return "/:realm/users/:id/:tab";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", TAB);
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
        throws ComponentValidationException {
        throw new ComponentValidationException("Nothing to save here: API keys are managed in the list on this tab "
            + "(with the tableauth admin theme) or through the admin REST API.");
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
