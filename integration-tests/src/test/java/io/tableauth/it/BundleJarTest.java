package io.tableauth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import io.tableauth.it.support.TestSettings;
import org.junit.jupiter.api.Test;

/** The one drop-in jar: every provider registered, themes present, no third-party class left unrelocated. */
class BundleJarTest {

    /** Service file → the factories it must name. */
    private static final Map<String, List<String>> SERVICES = Map.of(
        "org.keycloak.storage.UserStorageProviderFactory", List.of("io.tableauth.storage.SqlUserStorageProviderFactory"),
        "org.keycloak.authentication.AuthenticatorFactory", List.of("io.tableauth.authenticator.HookAuthenticatorFactory"),
        "org.keycloak.authentication.FormActionFactory", List.of("io.tableauth.authenticator.SignupHookFormActionFactory"),
        "com.oracle.truffle.api.provider.TruffleLanguageProvider",
        List.of("com.oracle.truffle.js.lang.JavaScriptLanguageProvider"),
        "org.keycloak.services.resource.RealmResourceProviderFactory",
        List.of("io.tableauth.rest.ApiPathProviderFactory", "io.tableauth.rest.AuthPathProviderFactory",
            "io.tableauth.rest.BrandingPathProviderFactory"),
        "org.keycloak.services.ui.extend.UiTabProviderFactory",
        List.of("io.tableauth.rest.core.TableauthSettingsTab", "io.tableauth.rest.admin.ApiKeysUserTab"),
        "org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory",
        List.of("io.tableauth.rest.apikey.ApiKeyEntityProviderFactory"),
        "org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory", List.of("io.tableauth.rest.apikey.ApiKeyGrantTypeFactory"),
        "org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory",
        List.of("io.tableauth.rest.admin.ApiKeysAdminProviderFactory"));

    @Test
    void registersEveryFactoryAndShipsItsClass() throws IOException {
        try (JarFile jar = new JarFile(TestSettings.bundleJar().toFile())) {
            for (var entry : SERVICES.entrySet()) {
                List<String> listed = Arrays.stream(read(jar, "META-INF/services/" + entry.getKey()).split("\n"))
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                assertTrue(listed.containsAll(entry.getValue()), entry.getKey() + " lists " + listed);
                for (String factory : listed) {
                    assertNotNull(jar.getEntry(factory.replace('.', '/') + ".class"), factory + " is listed but not in the jar");
                }
            }
        }
    }

    @Test
    void shipsTheThemes() throws IOException {
        try (JarFile jar = new JarFile(TestSettings.bundleJar().toFile())) {
            assertTrue(read(jar, "META-INF/keycloak-themes.json").contains("\"tableauth\""));
            assertNotNull(jar.getEntry("theme/tableauth/login/theme.properties"));
            assertTrue(read(jar, "theme/tableauth/login/template.ftl").contains("/tableauth/branding.css"));
            assertTrue(read(jar, "theme/tableauth/login/messages/messages_en.properties").contains("loginOtpOneTime="));
            assertNotNull(jar.getEntry("theme/tableauth/email/theme.properties"));
            assertNotNull(jar.getEntry("theme/tableauth/email/html/template.ftl"));
            assertTrue(read(jar, "theme/tableauth/email/messages/messages_en.properties").contains("passwordResetSubject="));
            assertTrue(read(jar, "theme/tableauth/admin/theme.properties").contains("scripts=js/tableauth-api-keys.js"));
            assertNotNull(jar.getEntry("theme/tableauth/admin/resources/js/tableauth-api-keys.js"));
            // every module's admin-console messages, appended into one file
            String messages = read(jar, "theme-resources/messages/messages_en.properties");
            assertTrue(messages.contains("tableauth-api-keys=API keys") && messages.contains("tableauthPathTaken="),
                messages);
        }
    }

    /**
     * GraalJS (the hook sandbox) is the one exception: Truffle finds its languages and runtime by class and service
     * names, so it travels under its own packages (Keycloak's lib/ has no GraalVM SDK or Truffle to clash with).
     */
    private static final List<String> UNRELOCATED =
        List.of("org/graalvm/", "com/oracle/truffle/", "com/oracle/js/", "com/oracle/svm/");

    @Test
    void everyClassIsOursOrRelocatedUnderOurPackage() throws IOException {
        try (JarFile jar = new JarFile(TestSettings.bundleJar().toFile())) {
            List<String> foreign = jar.stream().map(ZipEntry::getName)
                .filter(n -> n.endsWith(".class"))
                .filter(n -> !n.startsWith("io/tableauth/"))
                .filter(n -> UNRELOCATED.stream().noneMatch(n::startsWith))
                .toList();
            assertEquals(List.of(), foreign, "third-party classes must be relocated under io/tableauth/shaded/");
            assertNotNull(jar.getEntry("com/oracle/truffle/js/lang/JavaScriptLanguage.class"), "GraalJS missing");
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, name + " missing from the bundle");
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
