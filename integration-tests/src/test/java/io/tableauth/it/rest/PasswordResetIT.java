package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password reset over Mavibase's and Directus's endpoints, with the mail Keycloak really sends (to an SMTP server in
 * this JVM) and the link in it followed: single-use, expiring, the realm's password policy, the new password written
 * into the application's table in its own hash format, sessions ended, unknown e-mails answered as known ones, and
 * Directus's reset_url held to the allow list.
 */
class PasswordResetIT extends RestFixture {

    static final String APP = "https://app.example.test/reset-password";
    static final Pattern TOKEN = Pattern.compile("[?&]token=([A-Za-z0-9%._~-]+)");

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mailAndResetPages() {
        mailThrough(mail);
        setting("passwordResetUrls", APP + " https://other.example.test/reset");
    }

    Http.Response mavibase(String path, String json) {
        return postJson(api("v1/platform/auth/" + path), json);
    }

    Http.Response login(String email, String password) {
        return mavibase("login", body("email", email, "password", password));
    }

    /** The link of the n-th mail to this address, and the token in it. */
    String[] link(String email, int n) throws InterruptedException {
        MailBox.Mail m = mail.await(email, n, Duration.ofSeconds(20));
        assertEquals("Reset your password", m.subject(), "the tableauth email theme's wording");
        assertTrue(m.text().contains("The link works once"), m.text());
        assertNotNull(m.html(), "an HTML part too");
        assertTrue(m.html().contains("data-tableauth=\"header\"") && m.html().contains("Choose a new password"),
            "the tableauth layout: " + m.html());
        Matcher found = Pattern.compile("https?://\\S+token=\\S+").matcher(m.text().replace("&amp;", "&"));
        assertTrue(found.find(), "a link in: " + m.text());
        String link = found.group();
        Matcher token = TOKEN.matcher(link);
        assertTrue(token.find(), link);
        return new String[] {link, URLDecoder.decode(token.group(1), StandardCharsets.UTF_8)};
    }

    @Tag("smoke")
    @Test
    void mavibaseMailsALinkWhoseTokenSetsTheNewPasswordInTheTableOnceAndEndsTheSessions() throws Exception {
        String email = unique("reset");
        insert("members", email, true);
        Http.Response before = login(email, TABLE_PASSWORD);
        assertEquals(200, before.status(), before.toString());
        String oldHash = column("members", email, "password");

        Http.Response asked = mavibase("password-reset/request", body("email", email));
        assertEquals(200, asked.status(), asked.toString());
        assertEquals(true, asked.json().get("success").asBoolean());
        String[] link = link(email, 1);
        assertTrue(link[0].startsWith(APP + "?token="), "the link leads to the first allowed page: " + link[0]);

        Http.Response weak = mavibase("password-reset/confirm", body("token", link[1], "password", "short"));
        assertEquals(400, weak.status(), "the realm's policy (length 8) applies: " + weak);
        assertEquals(false, weak.json().get("success").asBoolean());

        Http.Response done = mavibase("password-reset/confirm", body("token", link[1], "password", "a brand new secret"));
        assertEquals(200, done.status(), done.toString());
        String newHash = column("members", email, "password");
        assertNotEquals(oldHash, newHash);
        assertTrue(newHash.startsWith("$2y$"), "written in the table's own format (PHP bcrypt): " + newHash);
        assertEquals(200, login(email, "a brand new secret").status());
        assertEquals(401, login(email, TABLE_PASSWORD).status(), "the old password is gone");
        assertEquals(401, Http.get(api("v1/platform/users/me"), "Authorization",
            "Bearer " + text(before.json(), "token")).status(), "the session from before the reset has ended");

        Http.Response again = mavibase("password-reset/confirm", body("token", link[1], "password", "yet another one"));
        assertEquals(401, again.status(), "a reset token works once: " + again);
        assertEquals(200, login(email, "a brand new secret").status());
    }

    @Test
    void anUnknownEmailGetsTheSameAnswerAndNoMail() throws Exception {
        String known = unique("known");
        insert("members", known, true);
        String unknown = unique("nobody");
        Http.Response forUnknown = mavibase("password-reset/request", body("email", unknown));
        Http.Response directusUnknown = postJson(auth("password/request"), body("email", unknown));
        assertEquals(204, directusUnknown.status(), directusUnknown.toString());
        Http.Response forKnown = mavibase("password-reset/request", body("email", known));
        assertEquals(forKnown.status(), forUnknown.status());
        assertEquals(forKnown.body(), forUnknown.body());
        // Mails are handed to Keycloak's executor after each request, in order: once the known one's (asked for
        // last) has arrived, an unknown one's would have too.
        link(known, 1);
        assertEquals(0, mail.to(unknown).size());
    }

    @Tag("smoke")
    @Test
    void directusSendsToAnAllowedResetUrlOnlyAndResetsWithTheToken() throws Exception {
        String email = unique("directus");
        insert("members", email, true);
        Http.Response refused = postJson(auth("password/request"),
            body("email", email, "reset_url", "https://evil.example.test/reset-password"));
        assertEquals(400, refused.status(), refused.toString());
        assertEquals("INVALID_PAYLOAD", refused.json().get("errors").get(0).get("extensions").get("code").asText());
        // An allowed page that already carries the link's own parameter would make a link with the attacker's token.
        for (String planted : new String[] {"?token=planted", "?lang=en&token=planted", "?TOKEN=planted",
            "?%74oken=planted", "?token%5B%5D=planted", "?lang=en;token=planted"}) {
            Http.Response twoTokens = postJson(auth("password/request"),
                body("email", email, "reset_url", "https://other.example.test/reset" + planted));
            assertEquals(400, twoTokens.status(), planted + ": " + twoTokens);
        }
        assertEquals(0, mail.to(email).size(), "no link was sent for any of them");

        Http.Response asked = postJson(auth("password/request"),
            body("email", email, "reset_url", "https://other.example.test/reset?lang=en"));
        assertEquals(204, asked.status(), asked.toString());
        String[] link = link(email, 1);
        assertTrue(link[0].startsWith("https://other.example.test/reset?lang=en&token="), link[0]);

        Http.Response reset = postJson(auth("password/reset"), body("token", link[1], "password", "directus new pass"));
        assertEquals(204, reset.status(), reset.toString());
        Http.Response in = postJson(auth("login"), body("email", email, "password", "directus new pass"));
        assertEquals(200, in.status(), in.toString());

        Http.Response garbage = postJson(auth("password/reset"), body("token", "not-a-token", "password", "whatever 123"));
        assertEquals(401, garbage.status(), garbage.toString());
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String email = unique("late");
        insert("members", email, true);
        updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(2));
        try {
            mavibase("password-reset/request", body("email", email));
            String[] link = link(email, 1);
            Thread.sleep(3500);
            Http.Response late = mavibase("password-reset/confirm", body("token", link[1], "password", "too late now"));
            assertEquals(401, late.status(), late.toString());
            assertEquals(200, login(email, TABLE_PASSWORD).status(), "the password is unchanged");
        } finally {
            updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(300));
        }
    }
}
