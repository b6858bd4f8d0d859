package io.tableauth.it.support;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Mavibase login of a user with a second factor: the password, then the code (or a recovery code). */
public final class TwoStepLogin {

    private final TestRealm realm;
    private final String password;

    public TwoStepLogin(TestRealm realm, String password) {
        this.realm = realm;
        this.password = password;
    }

    public Http.Response first(String email) {
        return postJson(realm.uri("/api/v1/platform/auth/login"), body("email", email, "password", password));
    }

    /** The second step, {@code field} being {@code code} or {@code recoveryCode}; the first must have asked for it. */
    public Http.Response second(Http.Response first, String field, String value) {
        assertEquals(200, first.status(), first.toString());
        assertEquals(true, first.json().path("requires2FA").asBoolean(), "the application's 2FA is asked: " + first);
        return postJson(realm.uri("/api/v1/platform/2fa/verify"), body("tempToken",
            first.json().path("tempToken").asText(), field, value));
    }
}
