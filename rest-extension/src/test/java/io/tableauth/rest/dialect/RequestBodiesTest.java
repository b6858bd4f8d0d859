package io.tableauth.rest.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthError;
import org.junit.jupiter.api.Test;

/** A request body read as a dialect's record: strings are strings, absent is null, a wrong type names its field. */
class RequestBodiesTest {

    public record Body(String email, String password, Boolean remember, JsonNode extra) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fieldsAreReadByNameAndTheRestIgnored() throws Exception {
        Body b = RequestBodies.bind(JSON.readTree("{\"email\":\"a@b.c\",\"password\":\"pw\",\"remember\":true,"
            + "\"extra\":{\"k\":1},\"unknown\":[1,2]}"), Body.class);
        assertEquals("a@b.c", b.email());
        assertEquals("pw", b.password());
        assertEquals(true, b.remember());
        assertEquals(1, b.extra().get("k").asInt());
    }

    @Test
    void absentAndNullAreNull() throws Exception {
        Body b = RequestBodies.bind(JSON.readTree("{\"email\":null}"), Body.class);
        assertNull(b.email());
        assertNull(b.password());
        assertNull(b.remember());
        assertNull(b.extra());
    }

    @Test
    void aWrongTypeIsAValidationErrorNamingTheField() throws Exception {
        AuthError number = assertThrows(AuthError.class,
            () -> RequestBodies.bind(JSON.readTree("{\"password\":12345678}"), Body.class));
        assertEquals(AuthError.Kind.VALIDATION, number.kind());
        assertEquals(Map.of("password", "The password must be a string."), number.fields());
        AuthError flag = assertThrows(AuthError.class,
            () -> RequestBodies.bind(JSON.readTree("{\"remember\":\"yes\"}"), Body.class));
        assertEquals(Map.of("remember", "The remember must be true or false."), flag.fields());
    }
}
