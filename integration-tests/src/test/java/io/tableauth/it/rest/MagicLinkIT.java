package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Magic-link login over Mavibase's {@code auth/magic-link[/verify]}, with the mail Keycloak really sends (to an SMTP
 * server in this JVM): the link leads to an allowed page only, its token logs a table user or a Keycloak user in
 * once, expires, is bound to the address and to its own purpose; unknown e-mails are answered as known ones, as fast;
 * a user with TOTP still gets the second step; disabled and locked users are refused.
 */
class MagicLinkIT extends RestFixture {

    static final String PAGE = "https://app.example.test/magic";
    static final Pattern TOKEN = Pattern.compile("[?&]token=([A-Za-z0-9%._~-]+)");

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mailAndPages() {
        mailThrough(mail);
        setting("magicLinkUrls", PAGE + " https://other.example.test/login/magic");
        setting("passwordResetUrls", "https://app.example.test/reset");
    }

    Http.Response ask(String email) {
        return platformAuth("magic-link", body("email", email));
    }

    Http.Response verify(String token) {
        return platformAuth("magic-link/verify", body("token", token));
    }

    /** The n-th mail to this address: its link, and the token in it. */
    String[] link(String email, int n) throws InterruptedException {
        MailBox.Mail m = mail.await(email, n, Duration.ofSeconds(20));
        Matcher found = Pattern.compile("https?://\\S+token=\\S+").matcher(m.text().replace("&amp;", "&"));
        assertTrue(found.find(), "a link in: " + m.text());
        Matcher token = TOKEN.matcher(found.group());
        assertTrue(token.find(), found.group());
        return new String[] {found.group(), URLDecoder.decode(token.group(1), StandardCharsets.UTF_8), m.subject(),
            m.html()};
    }

    JsonNode me(String accessToken) {
        Http.Response me = Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + accessToken);
        assertEquals(200, me.status(), me.toString());
        return me.json().get("user");
    }

    @Tag("smoke")
    @Test
    void aTableUserAndAKeycloakUserLogInOnceByTheMailedLink() throws Exception {
        String email = unique("magic");
        insert("members", email, true);
        Http.Response asked = ask(email);
        assertEquals(200, asked.status(), asked.toString());
        assertTrue(asked.json().get("success").asBoolean());
        String[] link = link(email, 1);
        assertEquals("Your login link", link[2]);
        assertNotNull(link[3], "an HTML part too");
        assertTrue(link[3].contains("data-tableauth=\"header\""), "the realm's email theme's layout: " + link[3]);
        assertTrue(link[0].startsWith(PAGE + "?token="), "the first allowed page: " + link[0]);

        Http.Response in = verify(link[1]);
        assertEquals(200, in.status(), in.toString());
        assertTrue(in.json().get("success").asBoolean());
        assertEquals(email, text(me(text(in.json(), "token")), "email"), "the token is the table user's");
        assertNotNull(text(in.json(), "refreshToken"));
        Http.Response refreshed = platformAuth("refresh-token", body("refreshToken", text(in.json(), "refreshToken")));
        assertEquals(200, refreshed.status(), "a session like a password login's: " + refreshed);

        Http.Response again = verify(link[1]);
        assertEquals(401, again.status(), "a link works once: " + again);
        assertFalse(again.json().get("success").asBoolean());

        int mailsBefore = mail.to("kc-user@example.com").size(); // the class's Keycloak user: other tests mail it too
        Http.Response kc = platformAuth("magic-link", body("email", "kc-user@example.com",
            "redirectUrl", "https://other.example.test/login/magic?next=%2Fhome"));
        assertEquals(200, kc.status(), kc.toString());
        String[] kcLink = link("kc-user@example.com", mailsBefore + 1);
        assertTrue(kcLink[0].startsWith("https://other.example.test/login/magic?next=%2Fhome&token="), kcLink[0]);
        Http.Response kcIn = verify(kcLink[1]);
        assertEquals(200, kcIn.status(), kcIn.toString());
        assertEquals("kc-user@example.com", text(me(text(kcIn.json(), "token")), "email"));
    }

    @Test
    void theRedirectUrlIsHeldToTheAllowList() throws Exception {
        String email = unique("redirect");
        insert("members", email, true); // a real user: an unknown address gets no mail whatever the URL
        for (String evil : new String[] {"https://evil.example.test/magic", "https://app.example.test.evil.test/magic",
            "https://app.example.test/reset", "javascript:alert(1)", "//app.example.test/magic",
            PAGE + "?token=planted", PAGE + "?next=%2F&Token=planted", PAGE + "?%74oken=planted",
            PAGE + "?token[]=planted"}) {
            Http.Response r = platformAuth("magic-link", body("email", email, "redirectUrl", evil));
            assertEquals(400, r.status(), evil + ": " + r);
            assertFalse(r.json().get("success").asBoolean());
        }
        // Mail goes out after the answer, in order: once the mail of an allowed request has come, one from a refused
        // request would have come before it.
        assertEquals(200, ask(email).status());
        String[] link = link(email, 1);
        assertTrue(link[0].startsWith(PAGE + "?token="), "the allowed page: " + link[0]);
        assertEquals(1, mail.to(email).size(), "no mail for the refused URLs: " + mail.to(email));
    }

    @Test
    void anUnknownEmailGetsTheSameAnswerInTheSameTimeAndNoMail() throws Exception {
        String known = unique("known");
        insert("members", known, true);
        String unknown = assertUnknownAnswersAsKnown(this::ask, known);
        link(known, 1); // mails go out in order: the unknown one's would have come first
        assertEquals(0, mail.to(unknown).size());
    }

    @Test
    void aLinkIsBoundToItsAddressItsPurposeAndItsLifespan() throws Exception {
        String moved = unique("moved");
        insert("members", moved, true);
        ask(moved);
        String[] link = link(moved, 1);
        String movedTo = unique("elsewhere");
        execute("UPDATE members SET email = ? WHERE email = ?", movedTo, moved);
        assertEquals(401, verify(link[1]).status(), "the address changed in the table after the mail");

        String reset = unique("reset");
        insert("members", reset, true);
        assertEquals(200, platformAuth("password-reset/request", body("email", reset)).status());
        MailBox.Mail resetMail = mail.await(reset, 1, Duration.ofSeconds(20));
        Matcher token = TOKEN.matcher(resetMail.text());
        assertTrue(token.find());
        assertEquals(401, verify(URLDecoder.decode(token.group(1), StandardCharsets.UTF_8)).status(),
            "a password reset token is not a login token");
        assertEquals(401, verify("eyJhbGciOiJub25lIn0.eyJ0eXAiOiJ0YWJsZWF1dGgtbWFnaWMtbGluayJ9.").status(),
            "an unsigned token");

        String late = unique("late");
        insert("members", late, true);
        updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(2));
        try {
            ask(late);
            String[] lateLink = link(late, 1);
            Thread.sleep(3500);
            assertEquals(401, verify(lateLink[1]).status(), "past the realm's user action lifespan");
        } finally {
            updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(300));
        }
    }

    @Tag("smoke")
    @Test
    void aUserWithTotpStillGetsTheSecondStep() throws Exception {
        String email = unique("totp");
        insert("members", email, true);
        Totp totp = enrollTotp(email);

        ask(email);
        Http.Response first = verify(link(email, 1)[1]);
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().get("requires2FA").asBoolean(), "no tokens before the second factor: " + first);
        assertEquals(null, first.json().get("token"));
        Http.Response second = postJson(api("v1/platform/2fa/verify"),
            body("tempToken", text(first.json(), "tempToken"), "code", totp.fresh()));
        assertEquals(200, second.status(), second.toString());
        assertEquals(email, text(me(text(second.json(), "token")), "email"));
    }

    @Test
    void aDisabledUserAndALockedUserAreRefused() throws Exception {
        String disabled = unique("off");
        insert("members", disabled, true);
        ask(disabled);
        String[] link = link(disabled, 1);
        execute("UPDATE members SET is_active = FALSE WHERE email = ?", disabled);
        Http.Response off = verify(link[1]);
        assertEquals(401, off.status(), "disabled in the table after the mail: " + off);

        String locked = unique("locked");
        insert("members", locked, true);
        ask(locked);
        String[] lockedLink = link(locked, 1);
        updateRealm(r -> r.setFailureFactor(3));
        try {
            for (int i = 0; i < 3; i++) {
                platformAuth("login", body("email", locked, "password", "wrong " + i));
                awaitFailures(locked, i + 1); // each counted (the test realm's quick-login check is 1 ms): it locks
            }
            Http.Response refused = verify(lockedLink[1]);
            assertEquals(401, refused.status(), "brute-force detection holds the user: " + refused);
            assertEquals(null, refused.json().get("token"));
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }
}
