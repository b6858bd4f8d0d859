package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Login by e-mailed code over Mavibase's {@code auth/email-otp[/verify]}, with the mail Keycloak really sends: six
 * digits that log a table user or a Keycloak user in once, within the realm's user action lifespan; a newer code
 * replaces the older; wrong codes are failed logins for brute-force detection and the fifth voids the code; unknown
 * e-mails are answered as known ones, as fast; a user with TOTP still gets the second step.
 */
class EmailOtpIT extends RestFixture {

    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mail() {
        mailThrough(mail);
    }

    Http.Response ask(String email) {
        return platformAuth("email-otp", body("email", email));
    }

    Http.Response verify(String email, String code) {
        return platformAuth("email-otp/verify", body("email", email, "code", code));
    }

    /** The code in the n-th mail to this address. */
    String code(String email, int n) throws InterruptedException {
        MailBox.Mail m = mail.await(email, n, Duration.ofSeconds(20));
        assertEquals("Your login code", m.subject());
        Matcher code = CODE.matcher(m.text());
        assertTrue(code.find(), "a code in: " + m.text());
        assertTrue(m.html() != null && m.html().contains(code.group(1)), "in the HTML part too");
        return code.group(1);
    }

    String emailOf(Http.Response login) {
        assertEquals(200, login.status(), login.toString());
        Http.Response me = Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + text(login.json(), "token"));
        assertEquals(200, me.status(), me.toString());
        return text(me.json().get("user"), "email");
    }

    int failures(String email) throws InterruptedException {
        Thread.sleep(600); // brute-force bookkeeping lands after the answer
        String id = realm.admin().users().search(email, true).get(0).getId();
        return ((Number) realm.admin().attackDetection().bruteForceUserStatus(id).get("numFailures")).intValue();
    }

    /** A code that is not this one. */
    static String other(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    @Test
    void aCodeLogsATableUserAndAKeycloakUserInOnce() throws Exception {
        String email = unique("code");
        insert("members", email, true);
        Http.Response asked = ask(email);
        assertEquals(200, asked.status(), asked.toString());
        assertTrue(asked.json().get("success").asBoolean());
        String code = code(email, 1);
        assertEquals(email, emailOf(verify(email, code)));
        Http.Response again = verify(email, code);
        assertEquals(401, again.status(), "a code works once: " + again);
        assertFalse(again.json().get("success").asBoolean());

        ask("kc-user@example.com");
        assertEquals("kc-user@example.com", emailOf(verify("KC-User@example.com", code("kc-user@example.com", 1))));
    }

    @Test
    void aNewerCodeReplacesTheOlderAndACodeIsForItsOwnAddressOnly() throws Exception {
        String email = unique("twice");
        insert("members", email, true);
        String other = unique("other");
        insert("members", other, true);
        ask(email);
        String first = code(email, 1);
        ask(email);
        String second = code(email, 2);
        ask(other);
        String othersCode = code(other, 1);
        if (!first.equals(second)) {
            assertEquals(401, verify(email, first).status(), "the older code was replaced");
            Thread.sleep(1100); // past Keycloak's quick-login check, which would lock the user for a minute
        }
        if (!othersCode.equals(second)) {
            assertEquals(401, verify(email, othersCode).status(), "another address's code");
            Thread.sleep(1100);
        }
        assertEquals(email, emailOf(verify(email, second)));
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Test
    void wrongCodesAreFailedLoginsAndTheFifthVoidsTheCode() throws Exception {
        String email = unique("guess");
        insert("members", email, true);
        ask(email);
        String code = code(email, 1);
        try {
            for (int i = 1; i <= 4; i++) {
                Http.Response wrong = verify(email, other(code));
                assertEquals(401, wrong.status(), wrong.toString());
                assertEquals(i, failures(email), "each wrong code is a failed login");
                Thread.sleep(600); // past Keycloak's quick-login check
            }
            assertEquals(email, emailOf(verify(email, code)), "four wrong codes leave the code usable");

            ask(email);
            String next = code(email, 2);
            for (int i = 1; i <= 5; i++) {
                assertEquals(401, verify(email, other(next)).status());
                Thread.sleep(1100);
            }
            Http.Response voided = verify(email, next);
            assertEquals(401, voided.status(), "the fifth wrong code voided the code: " + voided);
        } finally {
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Test
    void aCodeExpiresWithTheRealmsUserActionLifespan() throws Exception {
        String email = unique("late");
        insert("members", email, true);
        updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(2));
        try {
            ask(email);
            String code = code(email, 1);
            Thread.sleep(3500);
            assertEquals(401, verify(email, code).status(), "past its lifespan");
        } finally {
            updateRealm(r -> r.setActionTokenGeneratedByUserLifespan(300));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Test
    void anUnknownEmailGetsTheSameAnswersInTheSameTimeAndNoMail() throws Exception {
        String known = unique("known");
        insert("members", known, true);
        String unknown = assertUnknownAnswersAsKnown(this::ask, known);
        code(known, 1);
        assertEquals(0, mail.to(unknown).size());
        assertEquals(verify(known, "000000").body(), verify(unknown, "000000").body(),
            "a wrong code answers alike for both");
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Test
    void aUserWithTotpStillGetsTheSecondStep() throws Exception {
        String email = unique("totp");
        insert("members", email, true);
        Totp totp = enrollTotp(email);

        ask(email);
        Http.Response first = verify(email, code(email, 1));
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().get("requires2FA").asBoolean(), first.toString());
        Http.Response second = postJson(api("v1/platform/2fa/verify"),
            body("tempToken", text(first.json(), "tempToken"), "code", totp.fresh()));
        assertEquals(email, emailOf(second));
        realm.admin().attackDetection().clearAllBruteForce();
    }
}
