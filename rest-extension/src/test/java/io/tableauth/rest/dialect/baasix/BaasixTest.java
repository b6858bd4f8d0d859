package io.tableauth.rest.dialect.baasix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Baasix's login and register answers in each auth mode. */
class BaasixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Baasix.User USER = new Baasix.User("u1", "a@b.c", "Ada", null);
    private static final Baasix.Role ROLE = new Baasix.Role("r1", "editor");

    @Test
    void jwtModeCarriesTheTokensAndALoginNoMessage() throws Exception {
        assertEquals("{\"token\":\"t\",\"refreshToken\":\"r\",\"expiresIn\":300,\"authMode\":\"jwt\","
                + "\"user\":{\"id\":\"u1\",\"email\":\"a@b.c\",\"firstName\":\"Ada\",\"lastName\":null},"
                + "\"role\":{\"id\":\"r1\",\"name\":\"editor\"},\"permissions\":[\"editor\"],\"tenant\":null}",
            JSON.writeValueAsString(new Baasix.WithTokens(null, "t", "r", 300, "jwt", USER, ROLE, List.of("editor"),
                null)));
    }

    @Test
    void cookieModeKeepsTheTokenOutOfTheBodyAndANotSignedInRegistrationSaysTokenNull() throws Exception {
        assertEquals("{\"message\":\"User registered successfully\",\"authMode\":\"cookie\",\"user\":{\"id\":\"u1\","
                + "\"email\":\"a@b.c\",\"firstName\":\"Ada\",\"lastName\":null},\"role\":{\"id\":\"r1\",\"name\":\"editor\"},"
                + "\"permissions\":[],\"tenant\":null}",
            JSON.writeValueAsString(new Baasix.WithCookie("User registered successfully", "cookie", USER, ROLE,
                List.of(), null)));
        assertEquals("{\"message\":\"m\",\"token\":null,\"authMode\":\"jwt\",\"user\":{\"id\":\"u1\",\"email\":\"a@b.c\","
                + "\"firstName\":\"Ada\",\"lastName\":null},\"role\":{\"id\":\"r1\",\"name\":\"editor\"},\"permissions\":[],"
                + "\"tenant\":null}",
            JSON.writeValueAsString(new Baasix.NotSignedIn("m", null, "jwt", USER, ROLE, List.of(), null)));
    }
}
