package io.tableauth.keycloak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The fence: Keycloak's implementation (the classes of {@code keycloak-services} and {@code keycloak-model-jpa},
 * which change between releases without notice) is used from this module only, where each release's difference is
 * adapted once. Every other module's main code may use Keycloak's SPIs, and of the implementation jars only the
 * extension points a provider must implement ({@link #EXTENSION_POINTS}). {@link #KNOWN_LEAKS} are the uses that
 * were there when the fence was put up: the list may only shrink (an entry no longer used fails too, so that it is
 * taken off), and a new use outside this module fails the build.
 */
class FenceTest {

    private static final List<String> MODULES = List.of("rest-extension", "authenticator-totp",
        "user-storage-provider", "hooks", "themes");

    /** Interfaces and bases Keycloak expects a provider to implement, though they sit in its implementation jars. */
    private static final Set<String> EXTENSION_POINTS = Set.of(
        "org.keycloak.services.resource.RealmResourceProvider",
        "org.keycloak.services.resource.RealmResourceProviderFactory",
        "org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider",
        "org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory",
        "org.keycloak.services.ui.extend.UiTabProvider",
        "org.keycloak.services.ui.extend.UiTabProviderFactory",
        "org.keycloak.wellknown.WellKnownProvider",
        "org.keycloak.wellknown.WellKnownProviderFactory",
        "org.keycloak.protocol.oidc.grants.OAuth2GrantType",
        "org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory",
        "org.keycloak.connections.jpa.JpaConnectionProvider",
        "org.keycloak.connections.jpa.entityprovider.JpaEntityProvider",
        "org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory");

    /** file (module-relative) → Keycloak implementation class, as found when the fence was put up. Shrink only. */
    private static final Set<String> KNOWN_LEAKS = Set.of(
        "authenticator-totp/src/main/java/io/tableauth/authenticator/TotpEnrollment.java org.keycloak.utils.TotpUtils",
        "rest-extension/src/main/java/io/tableauth/rest/admin/ApiKeysAdminProviderFactory.java org.keycloak.services.resources.admin.AdminEventBuilder",
        "rest-extension/src/main/java/io/tableauth/rest/admin/ApiKeysAdminProviderFactory.java org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator",
        "rest-extension/src/main/java/io/tableauth/rest/admin/ApiKeysAdminResource.java org.keycloak.services.ErrorResponse",
        "rest-extension/src/main/java/io/tableauth/rest/admin/ApiKeysAdminResource.java org.keycloak.services.resources.admin.AdminEventBuilder",
        "rest-extension/src/main/java/io/tableauth/rest/admin/ApiKeysAdminResource.java org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.protocol.oidc.OIDCLoginProtocol",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.protocol.oidc.TokenManager",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.services.CorsErrorResponseException",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.services.Urls",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.services.managers.AuthenticationManager",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.services.managers.AuthenticationSessionManager",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyGrantType.java org.keycloak.services.managers.UserSessionManager",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyTokens.java org.keycloak.protocol.oidc.TokenManager",
        "rest-extension/src/main/java/io/tableauth/rest/apikey/ApiKeyTokens.java org.keycloak.services.Urls",
        "rest-extension/src/main/java/io/tableauth/rest/core/AccountChanges.java org.keycloak.authentication.requiredactions.UpdateEmail",
        "rest-extension/src/main/java/io/tableauth/rest/core/ActionMail.java org.keycloak.authentication.actiontoken.DefaultActionToken",
        "rest-extension/src/main/java/io/tableauth/rest/core/ActionMail.java org.keycloak.services.Urls",
        "rest-extension/src/main/java/io/tableauth/rest/core/CallerService.java org.keycloak.services.managers.AppAuthManager",
        "rest-extension/src/main/java/io/tableauth/rest/core/EmailChange.java org.keycloak.authentication.actiontoken.updateemail.UpdateEmailActionToken",
        "rest-extension/src/main/java/io/tableauth/rest/core/EmailChange.java org.keycloak.authentication.requiredactions.UpdateEmail",
        "rest-extension/src/main/java/io/tableauth/rest/core/EmailVerification.java org.keycloak.authentication.actiontoken.verifyemail.VerifyEmailActionToken",
        "rest-extension/src/main/java/io/tableauth/rest/core/LoginService.java org.keycloak.protocol.oidc.TokenManager",
        "rest-extension/src/main/java/io/tableauth/rest/core/LoginService.java org.keycloak.services.managers.AuthenticationManager",
        "rest-extension/src/main/java/io/tableauth/rest/core/LoginService.java org.keycloak.services.managers.AuthenticationSessionManager",
        "rest-extension/src/main/java/io/tableauth/rest/core/LoginService.java org.keycloak.services.managers.UserSessionManager",
        "rest-extension/src/main/java/io/tableauth/rest/core/PasswordReset.java org.keycloak.authentication.actiontoken.resetcred.ResetCredentialsActionToken",
        "rest-extension/src/main/java/io/tableauth/rest/core/ProviderLogin.java org.keycloak.protocol.oidc.OIDCLoginProtocol",
        "rest-extension/src/main/java/io/tableauth/rest/core/ProviderLogin.java org.keycloak.protocol.oidc.OIDCLoginProtocolService",
        "rest-extension/src/main/java/io/tableauth/rest/core/ProviderLogin.java org.keycloak.protocol.oidc.utils.PkceUtils",
        "rest-extension/src/main/java/io/tableauth/rest/core/ProviderLogin.java org.keycloak.services.resources.RealmsResource");

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.keycloak\\.(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*");

    @Test
    void keycloaksImplementationIsUsedOnlyHere() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> found = new TreeSet<>();
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    String text = Files.readString(file);
                    Matcher m = REFERENCE.matcher(text);
                    while (m.find()) {
                        String name = m.group();
                        if (!EXTENSION_POINTS.contains(name) && implementation(name)) {
                            found.add(root.relativize(file).toString().replace('\\', '/') + " " + name);
                        }
                    }
                }
            }
        }
        List<String> newLeaks = new ArrayList<>();
        for (String use : found) {
            if (!KNOWN_LEAKS.contains(use)) {
                newLeaks.add(use);
            }
        }
        List<String> stale = new ArrayList<>();
        for (String known : KNOWN_LEAKS) {
            if (!found.contains(known)) {
                stale.add(known);
            }
        }
        assertTrue(newLeaks.isEmpty(), "Keycloak implementation classes used outside keycloak-internals (adapt them "
            + "there, behind a method of ours): " + String.join("\n", newLeaks));
        assertTrue(stale.isEmpty(), "no longer used: take these off KNOWN_LEAKS: " + String.join("\n", stale));
    }

    /** Whether the class (or, for a nested one, its outer class) comes from Keycloak's implementation jars. */
    private static boolean implementation(String name) {
        Class<?> type = load(name);
        if (type == null) {
            return false; // a package-qualified reference to something that is not a class (or not on the path)
        }
        CodeSource source = type.getProtectionDomain().getCodeSource();
        String location = source == null ? "" : source.getLocation().toString();
        return location.contains("keycloak-services") || location.contains("keycloak-model-jpa");
    }

    private static Class<?> load(String name) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, FenceTest.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0 || !Character.isUpperCase(candidate.charAt(candidate.lastIndexOf('.', dot - 1) + 1))) {
                    return null;
                }
                candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
            }
        }
    }
}
