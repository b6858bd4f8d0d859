package io.tableauth.rest.dialect.mavibase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.TokenSet;
import org.junit.jupiter.api.Test;

/** Mavibase's answers, written as its clients (the documented JS class) read them. */
class MavibaseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuthUser ADA = new AuthUser("u1", "ada", "ada@example.com", "Ada", null, false,
        1_700_000_000_000L, Map.of());

    @Test
    void aLoginShowsTheBriefUser() throws Exception {
        assertEquals("{\"success\":true,\"token\":\"a\",\"refreshToken\":\"r\",\"expiresIn\":300,"
                + "\"user\":{\"id\":\"u1\",\"email\":\"ada@example.com\",\"name\":\"Ada\"}}",
            JSON.writeValueAsString(Mavibase.LoggedIn.of(new TokenSet("a", "r", 300, 1800), ADA, null)));
    }

    @Test
    void aLoginWithARecoveryCodeSaysHowManyAreLeft() throws Exception {
        assertEquals("{\"success\":true,\"token\":\"a\",\"refreshToken\":\"r\",\"expiresIn\":300,"
                + "\"user\":{\"id\":\"u1\",\"email\":\"ada@example.com\",\"name\":\"Ada\"},\"recoveryCodesLeft\":0}",
            JSON.writeValueAsString(Mavibase.LoggedIn.of(new TokenSet("a", "r", 300, 1800), ADA, 0)));
    }

    @Test
    void registerAddsEmailVerifiedAndMeAddsCreatedAtWhenKnown() throws Exception {
        assertEquals("{\"id\":\"u1\",\"email\":\"ada@example.com\",\"name\":\"Ada\",\"emailVerified\":false}",
            JSON.writeValueAsString(Mavibase.User.verified(ADA)));
        assertEquals("{\"id\":\"u1\",\"email\":\"ada@example.com\",\"name\":\"Ada\",\"emailVerified\":false,"
            + "\"createdAt\":\"2023-11-14T22:13:20Z\"}", JSON.writeValueAsString(Mavibase.User.full(ADA)));
        AuthUser noDate = new AuthUser("u2", "x", "x@example.com", null, null, true, null, Map.of());
        assertEquals("{\"id\":\"u2\",\"email\":\"x@example.com\",\"name\":null,\"emailVerified\":true}",
            JSON.writeValueAsString(Mavibase.User.full(noDate)), "no createdAt when Keycloak has none; name stays");
    }

    @Test
    void aUserWithTotpGetsATempToken() throws Exception {
        assertEquals("{\"requires2FA\":true,\"tempToken\":\"temp_x\"}",
            JSON.writeValueAsString(new Mavibase.SecondFactorRequired(true, "temp_x")));
    }

    @Test
    void aPasskeyShowsItsDatesAsInstantsAndNoLastUseKeycloakDoesNotRecord() throws Exception {
        assertEquals("{\"id\":\"c1\",\"name\":\"Laptop\",\"createdAt\":\"2023-11-14T22:13:20Z\",\"lastUsedAt\":null}",
            JSON.writeValueAsString(Mavibase.Passkey.of(new io.tableauth.rest.core.PasskeyService.View("c1", "Laptop",
                1_700_000_000_000L))));
    }

    @Test
    void aLoginAnswerIsTheTokensOrTheSecondStep() throws Exception {
        io.tableauth.rest.core.Login waiting = new io.tableauth.rest.core.Login(null, null, "temp_y", null);
        assertEquals("{\"requires2FA\":true,\"tempToken\":\"temp_y\"}",
            JSON.writeValueAsString(Mavibase.loginAnswer(waiting)));
    }
}
