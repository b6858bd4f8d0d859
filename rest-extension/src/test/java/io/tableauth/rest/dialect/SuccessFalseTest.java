package io.tableauth.rest.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthError;
import org.junit.jupiter.api.Test;

/** The error body MaskAPI and Mavibase answer with: fields only when a field was at fault. */
class SuccessFalseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anErrorWithoutAFieldHasNoFields() throws Exception {
        assertEquals("{\"success\":false,\"error\":\"INVALID_CREDENTIALS\",\"message\":\"Invalid credentials\"}",
            JSON.writeValueAsString(SuccessFalse.of(AuthError.invalidCredentials())));
    }

    @Test
    void aValidationErrorNamesItsField() throws Exception {
        assertEquals("{\"success\":false,\"error\":\"VALIDATION\",\"message\":\"The password is required.\","
                + "\"fields\":{\"password\":\"The password is required.\"}}",
            JSON.writeValueAsString(SuccessFalse.of(AuthError.validation("password", "The password is required."))));
    }
}
