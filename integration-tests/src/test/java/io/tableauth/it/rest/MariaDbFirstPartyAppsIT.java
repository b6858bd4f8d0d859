package io.tableauth.it.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.Test;

/**
 * The authorization challenge endpoint over a users table on MariaDB: a password login, then the one-time code, a
 * code Keycloak redeems once, and a step-up that stands on the earlier login.
 */
class MariaDbFirstPartyAppsIT extends FirstPartyFixture {

    @Override
    protected TestDatabase usersDatabase() {
        return TestDatabase.mariadb();
    }

    @Test
    void aTableUserOnMariaDbLogsInWithTheCodeAndStepsUp() throws Exception {
        String email = unique("fpm");
        insert("members", email, true);
        Pkce pkce = Pkce.fresh();
        Http.Response plain = challenge(first(pkce, email, TABLE_PASSWORD));
        assertEquals("1", claimsFor(codeOf(plain), pkce, email).getStringClaim("acr"));
        refused(challenge(first(Pkce.fresh(), email, "not the password")), 400, "invalid_grant");

        Totp totp = enrollTotp(email);
        Pkce two = Pkce.fresh();
        Http.Response codeOnly = challenge(Map.of("auth_session", text(plain.json(), "auth_session"),
            "code_challenge", two.challenge(), "code_challenge_method", "S256", "acr_values", "2"));
        refused(codeOnly, 403, "insufficient_authorization");
        Http.Response done = next(codeOnly, "otp", totp.fresh());
        String code = codeOf(done);
        assertEquals("2", claimsFor(code, two, email).getStringClaim("acr"));
        assertEquals(400, redeem(code, two.verifier()).status(), "a code works once");
        forgetFailures();
    }
}
