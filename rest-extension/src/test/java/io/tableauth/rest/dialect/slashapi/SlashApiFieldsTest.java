package io.tableauth.rest.dialect.slashapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.InputLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SlashApi's e-mail rule: Laravel's message for a wrong address, decided in one pass over at most 254 characters. */
class SlashApiFieldsTest {

    private static Map<String, String> registerErrors(String email) {
        return assertThrows(AuthError.class,
            () -> SlashApiFields.requireEmailAndPassword("data.", email, "secret", true)).fields();
    }

    @Test
    void anAddressWithOneAtAndADottedDomainIsValid() {
        assertTrue(SlashApiFields.validEmail("a@b.c"));
        assertTrue(SlashApiFields.validEmail("first.last+tag@mail.example.co.uk"));
        assertDoesNotThrow(() -> SlashApiFields.requireEmailAndPassword("data.", "  ann@example.com ", "pw", true));
    }

    @Test
    void anythingElseGetsLaravelsMessage() {
        for (String wrong : new String[] {"ann", "ann@example", "@example.com", "ann@.com", "ann@example.",
            "ann@@example.com", "ann@x@example.com", "an n@example.com", "ann@exa\tmple.com",
            "ann@ex\u000Bample.com"}) {
            assertFalse(SlashApiFields.validEmail(wrong), wrong);
            assertEquals(Map.of("email", "The data.email must be a valid email address."), registerErrors(wrong),
                wrong);
        }
    }

    @Test
    void anAddressIsAtMost254Characters() {
        String longest = "a".repeat(InputLimits.MAX_EMAIL_LENGTH - "@example.com".length()) + "@example.com";
        assertEquals(254, longest.length());
        assertTrue(SlashApiFields.validEmail(longest));
        assertFalse(SlashApiFields.validEmail("a" + longest));
        assertEquals(Map.of("email", "The data.email must be a valid email address."), registerErrors("a" + longest),
            "the ordinary validation error, nothing else");
        assertDoesNotThrow(() -> SlashApiFields.requireEmailAndPassword("data.", "   " + longest + "   ", "pw", true),
            "counted without the spaces around it");
    }

    @Test
    @Timeout(10) // a guard against a hang, not a benchmark: the regex this replaced took 17 s on 40,000 dots
    void theDottedAddressOfIssue36IsRefusedAtOnce() {
        String dotted = "a@" + ".".repeat(40_000) + "@";
        assertFalse(SlashApiFields.validEmail(dotted));
        assertEquals(Map.of("email", "The data.email must be a valid email address."), registerErrors(dotted));
        assertFalse(SlashApiFields.validEmail("a@" + ".".repeat(251) + "@"), "within the length, one pass");
        assertFalse(SlashApiFields.validEmail("a@" + ".".repeat(10_000_000)));
    }

    /** The rule is the regex it replaced, on everything up to the length limit. */
    @Test
    void agreesWithTheRegexItReplaced() {
        Pattern old = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
        char[] alphabet = {'a', '@', '.', ' ', '\t', 'b', '\r', '\u00A0'};
        Random random = new Random(36);
        for (int round = 0; round < 50_000; round++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(9);
            for (int i = 0; i < length; i++) {
                s.append(alphabet[random.nextInt(alphabet.length)]);
            }
            assertEquals(old.matcher(s).matches(), SlashApiFields.validEmail(s.toString()), "[" + s + "]");
        }
    }
}
