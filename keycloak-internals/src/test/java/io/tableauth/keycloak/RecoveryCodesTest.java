package io.tableauth.keycloak;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a code typed in a login's {@code otp} field is taken for. */
class RecoveryCodesTest {

    @Test
    void twelveCharactersAreARecoveryCodeSixToEightDigitsATotpCode() {
        for (String totp : new String[] {"123456", "12345678", " 123456 ", "123 456", "12345", "abc", null, "", "  "}) {
            assertFalse(RecoveryCodes.isRecoveryCode(totp), "not a recovery code: [" + totp + "]");
        }
        for (String recovery : new String[] {"ABCD-EFGH-JKLM", "abcdefghjklm", "1234-5678-9ABC", "123456789123",
            " ABCD EFGH JKLM "}) {
            assertTrue(RecoveryCodes.isRecoveryCode(recovery), "a recovery code: [" + recovery + "]");
        }
    }
}
