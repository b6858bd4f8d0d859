package io.tableauth.rest.dialect.directus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthError;
import org.junit.jupiter.api.Test;

/** Directus's answers and its error mapping, as the Directus SDK reads them. */
class DirectusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tokensShowWhatEachModeKeepsOutOfCookies() throws Exception {
        assertEquals("{\"data\":{\"access_token\":\"a\",\"expires\":900,\"refresh_token\":\"r\"}}",
            JSON.writeValueAsString(new Directus.TokensData(new Directus.Tokens("a", 900, "r"))), "json mode");
        assertEquals("{\"data\":{\"access_token\":\"a\",\"expires\":900}}",
            JSON.writeValueAsString(new Directus.TokensData(new Directus.Tokens("a", 900, null))), "cookie mode");
        assertEquals("{\"data\":{\"expires\":900}}",
            JSON.writeValueAsString(new Directus.TokensData(new Directus.Tokens(null, 900, null))), "session mode");
    }

    @Test
    void providersAreListedAsPublic() throws Exception {
        assertEquals("{\"public\":true,\"data\":[\"github\"]}",
            JSON.writeValueAsString(new Directus.Providers(true, List.of("github"))));
    }

    @Test
    void errorsMapToDirectusCodesAndAWrongPasswordLooksLikeAnUnknownUser() throws Exception {
        DirectusErrors.Mapped wrong = DirectusErrors.map(AuthError.invalidCredentials());
        assertEquals(401, wrong.status());
        assertEquals("{\"errors\":[{\"message\":\"Invalid user credentials.\",\"extensions\":"
            + "{\"code\":\"INVALID_CREDENTIALS\"}}]}", JSON.writeValueAsString(wrong.body()));
        assertEquals(wrong, DirectusErrors.map(AuthError.invalidToken()), "a bad token answers the same");
        DirectusErrors.Mapped disabled = DirectusErrors.map(new AuthError(AuthError.Kind.ACCOUNT_DISABLED, "x"));
        assertEquals(List.of(401, "USER_SUSPENDED"), List.of(disabled.status(), disabled.code()));
        DirectusErrors.Mapped missing = DirectusErrors.map(AuthError.validation("email", "\"email\" is required"));
        assertEquals(List.of(400, "INVALID_PAYLOAD", "Invalid payload. \"email\" is required"),
            List.of(missing.status(), missing.code(), missing.message()));
        DirectusErrors.Mapped hook = DirectusErrors.map(new AuthError(AuthError.Kind.DENIED, "Inactive account"));
        assertEquals(List.of(403, "FORBIDDEN", "Inactive account"), List.of(hook.status(), hook.code(),
            hook.message()));
        assertEquals(503, DirectusErrors.map(AuthError.unavailable("Login", 5)).status());
    }
}
