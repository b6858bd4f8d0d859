package io.tableauth.rest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/** How request origins and link pages are compared with the realm's lists: the same way, in one pass, bounded. */
class TableauthSettingsTest {

    private static final TableauthSettings ALLOWING_APP = allowing("https://app.example.com/");

    private static TableauthSettings allowing(String origin) {
        ComponentModel model = new ComponentModel();
        model.setConfig(new MultivaluedHashMap<>());
        model.getConfig().putSingle(TableauthSettings.ALLOWED_ORIGINS, origin);
        return TableauthSettings.from(model);
    }

    @Test
    void anOriginIsComparedWithoutCaseOrTrailingSlashes() {
        assertTrue(ALLOWING_APP.originAllowed("https://app.example.com"));
        assertTrue(ALLOWING_APP.originAllowed(" HTTPS://App.Example.com// "));
        assertFalse(ALLOWING_APP.originAllowed("https://app.example.com.evil.test"));
        assertFalse(ALLOWING_APP.originAllowed(null));
    }

    @Test
    @Timeout(10) // a guard against a hang, not a benchmark
    void anOriginLongerThanAUrlMayBeIsNeverAllowedAndNeverRead() {
        String slashes = "https://app.example.com" + "/".repeat(InputLimits.MAX_URL_LENGTH - 23);
        assertEquals(InputLimits.MAX_URL_LENGTH, slashes.length());
        assertTrue(ALLOWING_APP.originAllowed(slashes));
        assertFalse(ALLOWING_APP.originAllowed(slashes + "/"));
        assertFalse(ALLOWING_APP.originAllowed("https://app.example.com" + "/".repeat(1_000_000)));
        assertEquals("https://app.example.com", TableauthSettings.normalizeOrigin("https://app.example.com"
            + "/".repeat(1_000_000)), "the admin's own values are read in one pass too");
    }

    @Test
    void aLinkPageIsComparedByLowerCaseSchemeAndHostAndItsPathWithoutTrailingSlashes() {
        assertEquals("https://app.example.com/Magic",
            TableauthSettings.normaliseResetUrl(" HTTPS://APP.example.com/Magic/// "));
        assertEquals("https://app.example.com", TableauthSettings.normaliseResetUrl("https://app.example.com/"));
        assertEquals("", TableauthSettings.withoutTrailingSlashes("///"));
        assertEquals("/a//b", TableauthSettings.withoutTrailingSlashes("/a//b//"));
    }

    @Test
    void savingRefusesALinkPageLongerThanARequestMayAskFor() {
        String longest = "https://app.example.com/magic?pad=" + "a".repeat(InputLimits.MAX_URL_LENGTH - 34);
        TableauthSettingsTab.linkPages("Magic link URL", List.of(longest));
        ComponentValidationException refused = assertThrows(ComponentValidationException.class,
            () -> TableauthSettingsTab.linkPages("Magic link URL", List.of(longest + "a")));
        assertTrue(refused.getMessage().endsWith("is longer than 2048 characters."), refused.getMessage());
        assertTrue(refused.getMessage().length() < 200, "the URL is shown shortened");
    }
}
