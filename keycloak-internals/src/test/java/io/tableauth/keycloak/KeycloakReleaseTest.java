package io.tableauth.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeycloakReleaseTest {

    @Test
    void theTestedMinorsAreSupportedWhateverTheirPatchOrBuildSuffix() {
        for (String v : new String[] {"26.4.0", "26.4.7", "26.4.7.redhat-00001", "26.5.0", "26.5.7", "26.6.0",
            "26.6.4", "26.7.0", "26.7.3", "26.7.5"}) {
            assertTrue(KeycloakRelease.of(v).supported(), v);
            assertFalse(KeycloakRelease.of(v).untestedPatch(), v);
        }
    }

    @Test
    void aLaterPatchOfASupportedMinorRunsAndIsMarkedUntested() {
        for (String v : new String[] {"26.7.6", "26.7.12", "26.6.5", "26.4.8.redhat-00002", "26.5.12"}) {
            assertTrue(KeycloakRelease.of(v).supported(), v);
            assertTrue(KeycloakRelease.of(v).untestedPatch(), v);
        }
        assertFalse(KeycloakRelease.of("26.8.0").untestedPatch(), "a new minor is unsupported, not untested");
    }

    @Test
    void olderNewerAndUnreadableReleasesAreNotAndTheMessageSaysWhatIs() {
        for (String v : new String[] {"26.3.5", "26.8.0", "25.0.6", "27.0.0", "999.0.0-SNAPSHOT", "UNKNOWN",
            "", null, "26", "2147483648.1.0"}) {
            KeycloakRelease release = KeycloakRelease.of(v);
            assertFalse(release.supported(), String.valueOf(v));
            assertTrue(release.unsupportedMessage().contains("supports Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x"),
                release.unsupportedMessage());
        }
        assertEquals("tableauth does not run on Keycloak 27.0.0. It supports Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x; "
            + "install a tableauth release made for this Keycloak, or run a supported Keycloak.",
            KeycloakRelease.of("27.0.0").unsupportedMessage());
        assertEquals("unknown", KeycloakRelease.of(null).version());
    }

    @Test
    void eachAdapterIsPickedByTheReleaseThatChangedTheSignature() {
        assertTrue(KeycloakRelease.of("26.4.7").before26_5());
        assertTrue(KeycloakRelease.of("26.4.7").before26_6());
        assertFalse(KeycloakRelease.of("26.5.0").before26_5());
        assertTrue(KeycloakRelease.of("26.5.7").before26_6());
        assertFalse(KeycloakRelease.of("26.7.0").before26_5());
        assertFalse(KeycloakRelease.of("26.7.0").before26_6());
        assertFalse(KeycloakRelease.of("26.6.4").before26_6());
        assertTrue(KeycloakRelease.of("26.6.4").is26_6());
        assertFalse(KeycloakRelease.of("26.7.0").is26_6());
    }
}
