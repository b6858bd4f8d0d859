package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Mavibase's e-mail verification with the mails Keycloak really sends: a sign-up in a realm that verifies e-mail gets
 * a link to verify-email, logins wait for it as the realm says, the link works once, and resend-verification answers
 * unknown e-mails as known ones.
 */
class EmailVerificationIT extends RestFixture {

    static final String PASSWORD = "a good long password";

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void verifiedEmailWanted() {
        updateRealm(r -> {
            r.setSmtpServer(mail.smtpServer());
            r.setVerifyEmail(true);
            r.setEmailTheme("tableauth");
        });
    }

    Http.Response mavibase(String path, String json) {
        return postJson(api("v1/platform/auth/" + path), json);
    }

    Http.Response register(String email) {
        return mavibase("register", body("email", email, "password", PASSWORD, "name", "Vera Fied"));
    }

    URI verifyLink(String email, int n) throws InterruptedException {
        MailBox.Mail m = mail.await(email, n, Duration.ofSeconds(20));
        assertEquals("Confirm your e-mail address", m.subject(), "the tableauth email theme's wording");
        assertTrue(m.html() != null && m.html().contains("Confirm my e-mail address"), "an HTML part: " + m.html());
        Matcher link = Pattern.compile("https?://\\S+/api/v1/platform/auth/verify-email\\?token=[A-Za-z0-9%._~-]+")
            .matcher(m.text());
        assertTrue(link.find(), "a verify-email link in: " + m.text());
        return URI.create(link.group());
    }

    UserRepresentation user(String email) {
        return realm.admin().users().searchByEmail(email, true).get(0);
    }

    @Test
    void aSignupIsMailedALinkThatVerifiesTheAddressOnceAndThenTheUserMayLogIn() throws Exception {
        String email = unique("verify");
        Http.Response registered = register(email);
        assertEquals(201, registered.status(), registered.toString());
        assertTrue(text(registered.json(), "message").contains("verify"), registered.toString());
        assertFalse(user(email).isEmailVerified());
        Http.Response unverified = mavibase("login", body("email", email, "password", PASSWORD));
        assertEquals(403, unverified.status(), "the realm wants a verified e-mail before a login: " + unverified);
        assertEquals("EMAIL_NOT_VERIFIED", text(unverified.json(), "error"));
        assertEquals("Please verify your email address before logging in.", text(unverified.json(), "message"));
        Http.Response wrong = mavibase("login", body("email", email, "password", "not the password"));
        assertEquals(401, wrong.status(), "only the right password learns that the address waits for verification");
        assertEquals("INVALID_CREDENTIALS", text(wrong.json(), "error"));
        realm.admin().attackDetection().clearBruteForceForUser(user(email).getId());
        Http.Response directus = Http.postJson(auth("login"), body("email", email, "password", PASSWORD));
        assertEquals(403, directus.status(), directus.toString());
        assertEquals("Please verify your email address before logging in.",
            directus.json().get("errors").get(0).get("message").asText());
        String configId = user(email).getFederationLink();
        Http.Response maskapi = Http.postJson(api("v1/auth/login"), body("credential", email, "password", PASSWORD),
            "x-mapi-key", "app", "x-mapi-auth-config-id", configId);
        assertEquals(403, maskapi.status(), maskapi.toString());
        assertEquals("EMAIL_NOT_VERIFIED", text(maskapi.json(), "error"));
        String identifier = realm.admin().components().component(configId).toRepresentation().getName();
        Http.Response slash = Http.postJson(auth(identifier + "/login"), body("email", email, "password", PASSWORD));
        assertEquals(422, slash.status(), slash.toString());
        assertEquals("Please verify your email address before logging in.",
            slash.json().get("errors").get("email").get(0).asText());
        setting("loginOwner", "baasix");
        try {
            Http.Response baasix = Http.postJson(auth("login"), body("email", email, "password", PASSWORD));
            assertEquals(400, baasix.status(), baasix.toString());
            assertEquals("Please verify your email address before logging in.", text(baasix.json(), "message"));
        } finally {
            setting("loginOwner", "directus");
        }

        URI link = verifyLink(email, 1);
        assertTrue(link.toString().startsWith(realm.uri("/api/v1/platform/auth/verify-email").toString()), link.toString());
        Http.Response verified = Http.get(link);
        assertEquals(200, verified.status(), verified.toString());
        assertEquals(true, verified.json().get("success").asBoolean());
        assertTrue(user(email).isEmailVerified());
        assertEquals(200, mavibase("login", body("email", email, "password", PASSWORD)).status());

        Http.Response again = Http.get(link);
        assertEquals(401, again.status(), "the link works once: " + again);
        assertEquals(false, again.json().get("success").asBoolean());
        assertEquals(401, Http.get(api("v1/platform/auth/verify-email?token=garbage")).status());
    }

    @Test
    void resendAnswersUnknownEmailsAsKnownOnesAndMailsOnlyTheUnverified() throws Exception {
        String email = unique("resend");
        assertEquals(201, register(email).status());
        verifyLink(email, 1);
        String unknown = unique("nobody");
        Http.Response forUnknown = mavibase("resend-verification", body("email", unknown));
        Http.Response forKnown = mavibase("resend-verification", body("email", email));
        assertEquals(200, forKnown.status(), forKnown.toString());
        assertEquals(forKnown.status(), forUnknown.status());
        assertEquals(forKnown.body(), forUnknown.body());
        // Mails are handed to Keycloak's executor after each request, in order: the known one's was asked for
        // last, so once it has arrived an unknown one's would have too.
        URI second = verifyLink(email, 2);
        assertEquals(0, mail.to(unknown).size());
        assertEquals(200, Http.get(second).status(), "the resent link verifies");

        // verified now: a resend sends nothing more, and says the same (a later sign-up's mail marks the moment by
        // which a resent one would have arrived)
        Http.Response afterwards = mavibase("resend-verification", body("email", email));
        assertEquals(forKnown.body(), afterwards.body());
        String later = unique("later");
        assertEquals(201, register(later).status());
        verifyLink(later, 1);
        assertEquals(2, mail.to(email).size());
    }
}
