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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Login by e-mailed code over Mavibase's {@code auth/email-otp[/verify]}, with the mail Keycloak really sends: six
 * digits that log a table user or a Keycloak user in once, within the realm's user action lifespan; a newer code
 * replaces the older once the address's cooldown has passed; wrong codes are failed logins for brute-force detection
 * and count against one budget per user that a new code does not reset, with brute-force detection on or off; unknown
 * e-mails are answered as known ones, as fast; a user with TOTP still gets the second step.
 */
class EmailOtpIT extends RestFixture {

    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mail() {
        mailThrough(mail);
        setting("emailCodeCooldownSeconds", "0"); // the cooldown has its own test
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

    @Tag("smoke")
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

        int mailsBefore = mail.to("kc-user@example.com").size(); // the class's Keycloak user: other tests mail it too
        ask("kc-user@example.com");
        assertEquals("kc-user@example.com", emailOf(verify("KC-User@example.com",
            code("kc-user@example.com", mailsBefore + 1))));
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
    void wrongCodesAreFailedLoginsAndANewCodeDoesNotResetThem() throws Exception {
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

            // The right code freed the budget; four wrong ones, then a new code: the budget goes on.
            ask(email);
            String next = code(email, 2);
            for (int i = 1; i <= 4; i++) {
                assertEquals(401, verify(email, other(next)).status());
                Thread.sleep(1100);
            }
            ask(email);
            String third = code(email, 3);
            assertEquals(401, verify(email, other(third)).status(), "the fifth wrong code of the user");
            Thread.sleep(1100);
            Http.Response voided = verify(email, third);
            assertEquals(401, voided.status(), "the user's wrong codes are used up, new code or not: " + voided);
            ask(email);
            Http.Response still = verify(email, code(email, 4));
            assertEquals(401, still.status(), "no code is checked until the budget frees: " + still);
        } finally {
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Test
    void theBudgetHoldsWithBruteForceDetectionOff() throws Exception {
        String email = unique("nobf");
        insert("members", email, true);
        updateRealm(r -> r.setBruteForceProtected(false));
        try {
            for (int i = 1; i <= 5; i++) {
                ask(email);
                assertEquals(401, verify(email, other(code(email, i))).status());
            }
            ask(email);
            Http.Response right = verify(email, code(email, 6));
            assertEquals(401, right.status(), "five wrong codes, each on a new code, use the budget up: " + right);
        } finally {
            updateRealm(r -> r.setBruteForceProtected(true));
        }
        String fresh = unique("nobf-ok");
        insert("members", fresh, true);
        ask(fresh);
        assertEquals(fresh, emailOf(verify(fresh, code(fresh, 1))), "another user's budget is their own");
    }

    @Test
    void anAddressGetsNoNewCodeWithinItsCooldown() throws Exception {
        String email = unique("cool");
        insert("members", email, true);
        setting("emailCodeCooldownSeconds", "2");
        try {
            Http.Response first = ask(email);
            String code = code(email, 1);
            Http.Response second = ask(email);
            assertEquals(first.status(), second.status(), "answered as usual: " + second);
            assertEquals(first.body(), second.body());
            Thread.sleep(1000);
            assertEquals(1, mail.to(email).size(), "no second mail within the cooldown");
            assertEquals(email, emailOf(verify(email, code)), "the first code still works");
            Thread.sleep(1500);
            ask(email);
            assertTrue(code(email, 2).matches("\\d{6}"), "after the cooldown a new code is mailed");
        } finally {
            setting("emailCodeCooldownSeconds", "0");
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
