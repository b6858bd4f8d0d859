package io.tableauth.it.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.LaravelTool;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.TestSettings;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.common.util.MultivaluedHashMap;

/**
 * A Laravel application's second factor where Fortify keeps it: its migration's columns on the users table, the
 * values written with Laravel's own Encrypter and the application's APP_KEY (held in Keycloak's vault, named by the
 * config), Laravel 11's database cache table for Fortify's used-code memory. A user who turned 2FA on in the
 * application must give the code through tableauth; a code Fortify remembers as used is refused, and one used through
 * tableauth is remembered as Fortify remembers it; a recovery code is replaced as Fortify replaces it (checked by
 * decrypting with Laravel's code); a tampered or empty secret refuses every code. One subclass per database.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FortifyContract {

    static final String PASSWORD = "correct horse battery staple";
    static final String APP_KEY = "base64:q9p5DyR0bY6uQ0V0w3m9cZr2Zq0a1b2c3d4e5f6g7h8=";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestRealm realm = TestRealm.fromResource("/realms/rest-realm.json");
    @RegisterExtension
    final TestDatabase db = TestDatabase.of(kind());
    private final io.tableauth.it.support.TwoStepLogin steps = new io.tableauth.it.support.TwoStepLogin(realm, PASSWORD);

    private final LaravelTool laravel = new LaravelTool(APP_KEY);
    private String passwordHash;

    abstract TestDatabase.Kind kind();

    /** Laravel 11's users table, Fortify's 2FA columns migration, Laravel 11's cache table. */
    abstract String ddl();

    @BeforeAll
    void laravelWithFortify() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String statement : ddl().split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
        Files.writeString(TestSettings.vaultDir().resolve(realm.name() + "_laravel-app-key"), APP_KEY);
        passwordHash = laravel.hash(PASSWORD);
        realm.admin().components().query(null, "org.keycloak.storage.UserStorageProvider").forEach(c ->
            realm.admin().components().component(c.getId()).remove());
        SqlAuthConfigs.add(realm, "laravel", 0, config(db));
    }

    private MultivaluedHashMap<String, String> config(TestDatabase database) {
        MultivaluedHashMap<String, String> config = SqlAuthConfigs.connection(database);
        config.putSingle("tablePreset", "laravel");
        config.putSingle("appTwoFactor", "fortify");
        config.putSingle("appEncryptionKey", "${vault.laravel-app-key}");
        return config;
    }

    /** A user as Fortify's enable and confirm actions leave them; returns the recovery codes. */
    private List<String> enrolled(String email, String secret, boolean confirmed) throws Exception {
        List<String> codes = new ArrayList<>();
        java.security.SecureRandom random = new java.security.SecureRandom();
        String characters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 8; i++) { // RecoveryCode::generate(): Str::random(10) . '-' . Str::random(10)
            StringBuilder code = new StringBuilder();
            for (int j = 0; j < 21; j++) {
                code.append(j == 10 ? '-' : characters.charAt(random.nextInt(characters.length())));
            }
            codes.add(code.toString());
        }
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, email, "
            + "password, two_factor_secret, two_factor_recovery_codes, two_factor_confirmed_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, "Taylor Otwell");
            ps.setString(2, email);
            ps.setString(3, passwordHash);
            ps.setString(4, secret == null ? null : laravel.encrypt(secret));
            ps.setString(5, laravel.encrypt(JSON.writeValueAsString(codes)));
            ps.setObject(6, confirmed ? java.time.LocalDateTime.now() : null);
            ps.setObject(7, java.time.LocalDateTime.now());
            ps.setObject(8, java.time.LocalDateTime.now());
            ps.executeUpdate();
        }
        return codes;
    }

    private static String secret(int seed) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            s.append(ALPHABET.charAt((seed * 7 + i * 13) % 32));
        }
        return s.toString();
    }

    /** google2fa's code for a step (RFC 6238: HMAC-SHA1 of the base32 secret, 6 digits). */
    private static String code(String base32, long step) throws Exception {
        ByteBuffer key = ByteBuffer.allocate(10);
        int buffer = 0;
        int bits = 0;
        for (char ch : base32.toCharArray()) {
            buffer = (buffer << 5) | ALPHABET.indexOf(ch);
            bits += 5;
            if (bits >= 8) {
                key.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.array(), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[19] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    private static long step() {
        return System.currentTimeMillis() / 1000 / 30;
    }

    private Http.Response login(String email) {
        return steps.first(email);
    }

    private Http.Response secondStep(Http.Response first, String field, String value) {
        return steps.second(first, field, value);
    }

    private String column(String email, String column) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + column
            + " FROM users WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private String cached(String code) throws Exception {
        String key = "fortify.2fa_codes." + HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
            .digest(code.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT value FROM cache WHERE "
            + (kind() == TestDatabase.Kind.MARIADB ? "`key`" : "\"key\"") + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void forgetFailures() throws InterruptedException {
        Thread.sleep(600);
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Test
    void aCodeIsAskedAndUsedOnceAsFortifyRemembersIt() throws Exception {
        String secret = secret(1);
        String email = "taylor@laravel.test";
        enrolled(email, secret, true);
        long now = step();
        String code = code(secret, now);
        Http.Response in = secondStep(login(email), "code", code);
        assertEquals(200, in.status(), "the application's own code: " + in);
        assertNotNull(in.json().get("token"));
        String remembered = cached(code);
        assertNotNull(remembered, "remembered in Laravel's cache table, where Fortify looks");
        assertTrue(remembered.matches("i:\\d+;"), remembered);
        assertEquals(401, secondStep(login(email), "code", code).status(), "the same code again");

        // a code Fortify used (its cache row says so) is refused through tableauth
        String next = code(secret, now + 1);
        String key = "fortify.2fa_codes." + HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
            .digest(next.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO cache VALUES (?, ?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, "i:" + (now + 1) + ";");
            ps.setLong(3, System.currentTimeMillis() / 1000 + 60);
            ps.executeUpdate();
        }
        assertEquals(401, secondStep(login(email), "code", next).status(), "used in the application");
        forgetFailures();
    }

    @Test
    void aRecoveryCodeIsReplacedAsFortifyReplacesIt() throws Exception {
        String email = "jeffrey@laravel.test";
        List<String> codes = enrolled(email, secret(2), true);
        Http.Response in = secondStep(login(email), "recoveryCode", codes.get(3));
        assertEquals(200, in.status(), in.toString());
        List<String> now = JSON.readValue(laravel.decrypt(column(email, "two_factor_recovery_codes")),
            new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
        assertEquals(8, now.size(), "Laravel's decrypt reads the new list: " + now);
        assertFalse(now.contains(codes.get(3)), "the used code is gone");
        assertEquals(7, now.stream().filter(codes::contains).count(), "the others stay");
        assertTrue(now.stream().filter(c -> !codes.contains(c)).allMatch(c -> c.matches("[A-Za-z0-9]{10}-[A-Za-z0-9]{10}")),
            "its replacement has Fortify's shape: " + now);
        assertEquals(401, secondStep(login(email), "recoveryCode", codes.get(3)).status(), "used once only");
        forgetFailures();
    }

    @Test
    void keycloaksOwnTokenEndpointAsksForTheCodeToo() throws Exception {
        String secret = secret(3);
        enrolled("abigail@laravel.test", secret, true);
        Map<String, String> form = new java.util.HashMap<>(Map.of("grant_type", "password", "client_id", "app",
            "username", "abigail@laravel.test", "password", PASSWORD));
        Http.Response without = Http.postForm(realm.uri("/protocol/openid-connect/token"), form);
        assertNotEquals(200, without.status(), "the password alone: " + without);
        form.put("otp", code(secret, step()));
        assertEquals(200, Http.postForm(realm.uri("/protocol/openid-connect/token"), form).status());
        forgetFailures();
    }

    /**
     * A secret that does not decrypt (tampered, or another key) and a confirmed row whose secret is empty refuse
     * every code: never "no second factor". An unconfirmed enrolment asks nothing, as Fortify with its confirm option.
     */
    @Test
    void aTamperedOrEmptySecretRefusesEveryCodeAndAnUnconfirmedOneAsksNothing() throws Exception {
        String secret = secret(4);
        String email = "nuno@laravel.test";
        enrolled(email, secret, true);
        String payload = column(email, "two_factor_secret");
        String json = new String(java.util.Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
        String value = JSON.readTree(json).path("value").asText();
        String tampered = java.util.Base64.getEncoder().encodeToString(json.replace(value,
            (value.charAt(0) == 'A' ? "B" : "A") + value.substring(1)).getBytes(StandardCharsets.UTF_8));
        assertNull(laravel.decrypt(tampered), "Laravel refuses it too");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
            "UPDATE users SET two_factor_secret = ? WHERE email = ?")) {
            ps.setString(1, tampered);
            ps.setString(2, email);
            ps.executeUpdate();
        }
        assertEquals(401, secondStep(login(email), "code", code(secret, step())).status(), "tampered");
        assertTrue(realm.server().logTail(200).contains("does not decrypt"), "the log says why");

        String empty = "james@laravel.test";
        enrolled(empty, "", true);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
            "UPDATE users SET two_factor_secret = '' WHERE email = ?")) {
            ps.setString(1, empty);
            ps.executeUpdate();
        }
        assertEquals(401, secondStep(login(empty), "code", code(secret, step())).status(), "confirmed, empty");

        String pending = "dries@laravel.test";
        enrolled(pending, secret(5), false);
        Http.Response plain = login(pending);
        assertEquals(200, plain.status(), plain.toString());
        assertNotNull(plain.json().get("token"), "enabled but never confirmed: the password is enough: " + plain);
        forgetFailures();
    }

    /** The key is a vault reference, never the key; saving checks that it decrypts the secrets in the table. */
    @Test
    void savingTakesTheKeyFromTheVaultOnlyAndChecksThatItDecrypts() throws Exception {
        MultivaluedHashMap<String, String> typed = config(db);
        typed.putSingle("appEncryptionKey", APP_KEY);
        try (Response r = realm.admin().components().add(SqlAuthConfigs.component(realm, "typed-key", typed))) {
            assertEquals(400, r.getStatus());
            assertTrue(r.readEntity(String.class).contains("vault"));
        }
        enrolled("graham@laravel.test", secret(6), true);
        Files.writeString(TestSettings.vaultDir().resolve(realm.name() + "_other-key"),
            "base64:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        MultivaluedHashMap<String, String> wrong = config(db);
        wrong.putSingle("appEncryptionKey", "${vault.other-key}");
        try (Response r = realm.admin().components().add(SqlAuthConfigs.component(realm, "wrong-key", wrong))) {
            assertEquals(400, r.getStatus());
            String message = r.readEntity(String.class);
            assertTrue(message.contains("do not decrypt"), message);
            assertFalse(message.contains("base64:"), "no key in the answer: " + message);
        }
    }
}
