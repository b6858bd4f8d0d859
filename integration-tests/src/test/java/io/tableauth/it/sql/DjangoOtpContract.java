package io.tableauth.it.sql;

import static io.tableauth.it.support.Http.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.tableauth.it.support.DjangoOtpTool;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.MultivaluedHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Django application's second factor where django-otp keeps it (issue: the application's own 2FA data comes along):
 * the tables are Django's own migrations, the users, devices and codes are made and checked by django-otp itself,
 * and tableauth's config has nothing but the django preset and "Application's two-factor data: django-otp", read
 * only. A user who turned 2FA on in the application must give the code through tableauth; a code used on one side is
 * refused on the other in the same step; a backup code is deleted in the application's table when used; a device
 * whose key is gone refuses every code rather than letting the password alone in. One subclass per database.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DjangoOtpContract {

    static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    final TestRealm realm = TestRealm.fromResource("/realms/rest-realm.json");
    @RegisterExtension
    final TestDatabase db = TestDatabase.of(kind());
    private final io.tableauth.it.support.TwoStepLogin steps = new io.tableauth.it.support.TwoStepLogin(realm, PASSWORD);

    private DjangoOtpTool django;

    abstract TestDatabase.Kind kind();

    @BeforeAll
    void djangoWithDjangoOtp() {
        django = new DjangoOtpTool(db);
        django.migrate();
        realm.admin().components().query(null, "org.keycloak.storage.UserStorageProvider").forEach(c ->
            realm.admin().components().component(c.getId()).remove());
        MultivaluedHashMap<String, String> config = SqlAuthConfigs.connection(db);
        config.putSingle("tablePreset", "django");
        config.putSingle("appTwoFactor", "django-otp");
        SqlAuthConfigs.add(realm, "django", 0, config);
    }

    private Http.Response login(String email) {
        return steps.first(email);
    }

    private Http.Response secondStep(Http.Response first, String field, String value) {
        return steps.second(first, field, value);
    }

    private String user(String name) {
        String email = name + "@django.test";
        django.user(name, email, PASSWORD);
        return email;
    }

    private int backupCodesLeft(String username) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM "
            + "otp_static_statictoken t JOIN otp_static_staticdevice d ON t.device_id = d.id JOIN auth_user u ON "
            + "d.user_id = u.id WHERE u.username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void update(String sql, String username) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }

    private void forgetFailures() {
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Test
    void aCodeUsedOnOneSideIsRefusedOnTheOtherInTheSameStep() throws Exception {
        String email = user("ada");
        django.enroll("ada");
        List<String> codes = django.tokens("ada");

        Http.Response in = secondStep(login(email), "code", codes.get(0));
        assertEquals(200, in.status(), "the application's own code: " + in);
        assertNotNull(in.json().get("token"), in.toString());
        assertFalse(django.verify("ada", codes.get(0)), "used through tableauth: django-otp refuses it");
        Thread.sleep(1100); // django-otp's throttle after its own refusal
        assertTrue(django.verify("ada", codes.get(1)), "django-otp takes the next step's code");
        Http.Response replay = secondStep(login(email), "code", codes.get(1));
        assertEquals(401, replay.status(), "used in the application: tableauth refuses it: " + replay);
        assertNull(replay.json().get("token"), replay.toString());
        forgetFailures();
    }

    @Test
    void theBackupCodesAreDjangoOtpsAndEachIsDeletedWhenUsed() throws Exception {
        String email = user("grace");
        List<String> backup = django.enroll("grace").backupCodes();
        assertEquals(3, backupCodesLeft("grace"));

        Http.Response asCode = secondStep(login(email), "code", backup.get(0));
        assertEquals(200, asCode.status(), "a backup code where the code goes, as django-otp takes it: " + asCode);
        assertEquals(2, backupCodesLeft("grace"), "deleted in the application's table");
        assertFalse(django.verify("grace", backup.get(0)), "and gone for the application too");
        assertEquals(401, secondStep(login(email), "code", backup.get(0)).status(), "used once only");
        Thread.sleep(1100); // django-otp's throttle after that refusal

        Http.Response asRecovery = secondStep(login(email), "recoveryCode", backup.get(1));
        assertEquals(200, asRecovery.status(), "as a recovery code: " + asRecovery);
        assertEquals(1, backupCodesLeft("grace"));
        assertTrue(django.verify("grace", backup.get(2)), "the last one is still the application's");
        assertEquals(0, backupCodesLeft("grace"));
        forgetFailures();
    }

    @Test
    void keycloaksOwnTokenEndpointAsksForTheApplicationsCode() throws Exception {
        user("alan");
        django.enroll("alan");
        Http.Response without = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
            "password", "client_id", "app", "username", "alan", "password", PASSWORD));
        assertNotEquals(200, without.status(), "the password alone: " + without);
        assertNull(without.json().get("access_token"));
        Http.Response with = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
            "password", "client_id", "app", "username", "alan", "password", PASSWORD, "otp",
            django.tokens("alan").get(0)));
        assertEquals(200, with.status(), "with the application's code: " + with);
        forgetFailures();
    }

    /** Keycloak's login page: after the password, its one-time-code form takes the application's code. */
    @Test
    void keycloaksLoginPageAsksForTheApplicationsCode() throws Exception {
        user("barbara");
        django.enroll("barbara");
        var app = realm.admin().clients().findByClientId("app").get(0);
        app.setStandardFlowEnabled(true);
        app.setRedirectUris(List.of(CALLBACK));
        realm.admin().clients().get(app.getId()).update(app);

        io.tableauth.it.support.FormBrowser browser = new io.tableauth.it.support.FormBrowser();
        java.net.URI authorize = realm.uri("/protocol/openid-connect/auth?client_id=app&response_type=code&scope=openid"
            + "&redirect_uri=" + java.net.URLEncoder.encode(CALLBACK, java.nio.charset.StandardCharsets.UTF_8));
        browser.open(authorize);
        Http.Response page = browser.follow(authorize.getRawAuthority());
        assertEquals(200, page.status(), page.toString());
        browser.submit("kc-form-login", Map.of("username", "barbara", "password", PASSWORD));
        Http.Response otp = browser.follow(authorize.getRawAuthority());
        assertTrue(otp.body().contains("kc-otp-login-form"), "the one-time-code page: " + otp);
        Http.Response wrong = browser.submit("kc-otp-login-form", Map.of("otp", "000000".equals(
            django.tokens("barbara").get(0)) ? "111111" : "000000"));
        assertTrue(wrong.body().contains("kc-otp-login-form"), "a wrong code: the form again: " + wrong);
        Thread.sleep(1100); // django-otp's throttle after the wrong code
        Http.Response done = browser.submit("kc-otp-login-form", Map.of("otp", django.tokens("barbara").get(0)));
        assertEquals(302, done.status(), done.toString());
        assertTrue(browser.location().toString().startsWith(CALLBACK + "?"), browser.location().toString());
        assertTrue(browser.location().toString().contains("code="), browser.location().toString());
        forgetFailures();
    }

    private static final String CALLBACK = "http://app.example.test/callback";

    /**
     * A confirmed device whose key is gone refuses every code: the user is never let in on the password alone. An
     * unconfirmed device (an enrolment the user never finished) asks nothing, as in the application.
     */
    @Test
    void aConfirmedDeviceWithoutItsKeyRefusesEveryCodeAndAnUnfinishedOneAsksNothing() throws Exception {
        String eve = user("eve");
        django.enroll("eve");
        String code = django.tokens("eve").get(0);
        update("UPDATE otp_totp_totpdevice SET " + (kind() == TestDatabase.Kind.MARIADB ? "`key`" : "\"key\"")
            + " = '' WHERE user_id = (SELECT id FROM auth_user WHERE username = ?)", "eve");
        Http.Response refused = secondStep(login(eve), "code", code);
        assertEquals(401, refused.status(), refused.toString());

        String bob = user("bob");
        django.enroll("bob");
        for (String table : List.of("otp_totp_totpdevice", "otp_static_staticdevice")) {
            update("UPDATE " + table + " SET confirmed = false WHERE user_id = (SELECT id FROM auth_user WHERE "
                + "username = ?)", "bob");
        }
        Http.Response plain = login(bob);
        assertEquals(200, plain.status(), plain.toString());
        assertNotNull(plain.json().get("token"), "no confirmed device: the password is enough: " + plain);
        forgetFailures();
    }

    /** django-otp's throttle holds: after a wrong code the device takes none for a second, then takes the right one. */
    @Test
    void afterAWrongCodeTheDeviceWaitsAsDjangoOtpMakesItWait() throws Exception {
        String email = user("linus");
        django.enroll("linus");
        String code = django.tokens("linus").get(0);
        assertEquals(401, secondStep(login(email), "code", "000000".equals(code) ? "111111" : "000000").status());
        assertEquals(401, secondStep(login(email), "code", code).status(), "throttled for a second");
        Thread.sleep(1100);
        assertEquals(200, secondStep(login(email), "code", code).status(), "then the right code passes");
        forgetFailures();
    }

    @Test
    void savingChecksThatDjangoOtpsTablesAreThere() throws Exception {
        try (TestDatabase bare = TestDatabase.of(kind()).create()) {
            try (Connection c = bare.connect(); var s = c.createStatement()) {
                s.execute("CREATE TABLE auth_user (id integer PRIMARY KEY, password varchar(128) NOT NULL, "
                    + "last_login timestamp NULL, is_superuser boolean NOT NULL, username varchar(150) NOT NULL, "
                    + "first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, "
                    + "is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamp NOT NULL)");
            }
            MultivaluedHashMap<String, String> config = SqlAuthConfigs.connection(bare);
            config.putSingle("tablePreset", "django");
            config.putSingle("appTwoFactor", "django-otp");
            try (Response r = realm.admin().components().add(SqlAuthConfigs.component(realm, "no-otp", config))) {
                assertEquals(400, r.getStatus());
                String message = r.readEntity(String.class);
                assertTrue(message.contains("otp_totp_totpdevice"), message);
            }
        }
    }
}
