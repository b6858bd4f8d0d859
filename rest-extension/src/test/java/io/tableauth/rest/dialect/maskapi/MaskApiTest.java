package io.tableauth.rest.dialect.maskapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.TokenSet;
import org.junit.jupiter.api.Test;

/** MaskAPI's answers, written as its clients read them. */
class MaskApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuthUser ADA = new AuthUser("f:cfg:7", "ada", "ada@example.com", "Ada", "Lovelace", true,
        1L, Map.of("role", List.of("editor")));
    private static final TokenSet TOKENS = new TokenSet("access", "refresh", 300, 1800);

    @Test
    void aLoginAnswersTheTokensFlatAndTheUser() throws Exception {
        assertEquals("{\"success\":true,\"accessToken\":\"access\",\"refreshToken\":\"refresh\",\"tokenType\":\"Bearer\","
                + "\"expiresIn\":300,\"refreshExpiresIn\":1800,\"user\":{\"id\":\"f:cfg:7\",\"credential\":\"ada\","
                + "\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\",\"emailVerified\":true}}",
            JSON.writeValueAsString(MaskApi.LoggedIn.of(TOKENS, ADA)));
    }

    @Test
    void aRefreshAnswersTokensOnlyAndAUserWithoutANameShowsNull() throws Exception {
        assertEquals("{\"success\":true,\"accessToken\":\"access\",\"refreshToken\":\"refresh\",\"tokenType\":\"Bearer\","
            + "\"expiresIn\":300,\"refreshExpiresIn\":1800}", JSON.writeValueAsString(MaskApi.Refreshed.of(TOKENS)));
        AuthUser nameless = new AuthUser("u1", "x", null, null, null, false, null, Map.of());
        assertEquals("{\"id\":\"u1\",\"credential\":\"x\",\"email\":null,\"name\":null,\"emailVerified\":false}",
            JSON.writeValueAsString(MaskApi.User.of(nameless)));
    }
}
