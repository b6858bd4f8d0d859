package io.tableauth.keycloak;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The startup warning for a Keycloak that believes any client's forwarded headers. */
class ProxyTrustWarningTest {

    @Test
    void forwardedHeadersFromAnyAddressAreWarnedAbout() {
        String warning = KeycloakInternals.proxyTrustWarning("xforwarded", null);
        assertNotNull(warning);
        assertTrue(warning.contains("--proxy-trusted-addresses"), warning);
        assertNotNull(KeycloakInternals.proxyTrustWarning("forwarded", " "));
    }

    @Test
    void trustedProxiesOrNoForwardedHeadersAreQuiet() {
        assertNull(KeycloakInternals.proxyTrustWarning("xforwarded", "127.0.0.1"));
        assertNull(KeycloakInternals.proxyTrustWarning(null, null));
        assertNull(KeycloakInternals.proxyTrustWarning("", "10.0.0.0/8"));
    }
}
