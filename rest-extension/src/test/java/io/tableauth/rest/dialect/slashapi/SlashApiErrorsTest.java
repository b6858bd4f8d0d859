package io.tableauth.rest.dialect.slashapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.core.AuthError;
import org.junit.jupiter.api.Test;

/** SlashApi's errors in Laravel's shapes, and where their field errors are keyed. */
class SlashApiErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String body(AuthError e, boolean dataKeys) throws Exception {
        SlashApiErrors.Mapped m = SlashApiErrors.map(e, dataKeys);
        return m.status() + " " + JSON.writeValueAsString(m.body());
    }

    @Test
    void aWrongPasswordIsLaravelsFailedValidationOnEmail() throws Exception {
        assertEquals("422 {\"message\":\"The given data was invalid.\",\"errors\":{\"email\":"
            + "[\"The provided credentials are incorrect.\"]}}", body(AuthError.invalidCredentials(), false));
    }

    @Test
    void fieldErrorsAreKeyedAsTheBodyWasSent() throws Exception {
        AuthError missing = AuthError.validation("email", "The data.email field is required.");
        assertEquals("422 {\"message\":\"The given data was invalid.\",\"errors\":{\"data.email\":"
            + "[\"The data.email field is required.\"]}}", body(missing, true));
        assertEquals("422 {\"message\":\"The given data was invalid.\",\"errors\":{\"email\":"
            + "[\"The data.email field is required.\"]}}", body(missing, false));
    }

    @Test
    void tokenAndPermissionRefusalsAreAMessageOnly() throws Exception {
        assertEquals("401 {\"message\":\"Invalid token\"}", body(AuthError.invalidToken(), true));
        assertEquals("403 {\"message\":\"You don't have permission to access this data.\"}",
            body(new AuthError(AuthError.Kind.FORBIDDEN, "You don't have permission to access this data."), true));
        assertEquals("422 {\"message\":\"The given data was invalid.\",\"errors\":{\"otp\":"
            + "[\"The otp field is required.\"]}}", body(new AuthError(AuthError.Kind.OTP_REQUIRED, "x"), false));
    }
}
