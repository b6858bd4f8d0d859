package io.tableauth.it.bench;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (never run by the build): forward-auth checks per second with a Bearer JWT and with an API
 * key, side by side with Keycloak's most trivial GET (the realm's OpenID well-known document), in one run, 4
 * concurrent clients, each client its own table user (and key). The protected path belongs to the members config, so
 * every check also reads the auth configs' patterns. The members config has a new config's cache policy (Keycloak's
 * user cache keeps its users 30 s); the same checks for users of a config without user cache show what that policy
 * spares. Run:
 * <pre>./mvnw -B -pl integration-tests -am verify -Dit.test=ForwardAuthBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class ForwardAuthBench extends RestFixture {

    private static final int THREADS = Integer.getInteger("tableauth.bench.threads", 4);
    private static final int SECONDS = Integer.getInteger("tableauth.bench.seconds", 20);

    @Test
    void checksPerSecond() throws Exception {
        var members = realm.admin().components().component(membersId);
        var config = members.toRepresentation();
        config.getConfig().put("protectedPaths", List.of("/api/orders/**"));
        members.update(config);
        // The staff config has no user cache (every check reads the table): what a new config's cache policy spares.
        var staff = realm.admin().components().component(staffId);
        var staffConfig = staff.toRepresentation();
        staffConfig.getConfig().put("protectedPaths", List.of("/api/staff/**"));
        staffConfig.getConfig().put("cachePolicy", List.of("NO_CACHE"));
        staff.update(staffConfig);
        List<String> tokens = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> uncachedTokens = new ArrayList<>();
        List<String> uncachedKeys = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            login("members", membersId, "fab" + i, tokens, keys);
            login("staff", staffId, "fas" + i, uncachedTokens, uncachedKeys);
        }
        IntFunction<Http.Response> wellKnown = t -> Http.get(realm.uri("/.well-known/openid-configuration"));
        IntFunction<Http.Response> jwt = t -> Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + tokens.get(t),
            "X-Original-URI", "/api/orders/42", "X-Original-Method", "GET");
        IntFunction<Http.Response> apiKey = t -> Http.get(api("v1/forward-auth"), "X-API-Key", keys.get(t),
            "X-Original-URI", "/api/orders/42", "X-Original-Method", "GET");
        IntFunction<Http.Response> uncachedJwt = t -> Http.get(api("v1/forward-auth"), "Authorization",
            "Bearer " + uncachedTokens.get(t), "X-Original-URI", "/api/staff/42", "X-Original-Method", "GET");
        IntFunction<Http.Response> uncachedApiKey = t -> Http.get(api("v1/forward-auth"), "X-API-Key", uncachedKeys.get(t),
            "X-Original-URI", "/api/staff/42", "X-Original-Method", "GET");
        String[] names = {"Keycloak realm well-known GET", "forward-auth, Bearer JWT", "forward-auth, X-API-Key",
            "forward-auth, JWT, no user cache", "forward-auth, key, no user cache"};
        Interleaved.run(THREADS, false, 5, names, wellKnown, jwt, apiKey, uncachedJwt, uncachedApiKey);
        double[] rates = Interleaved.run(THREADS, true, SECONDS, names, wellKnown, jwt, apiKey, uncachedJwt,
            uncachedApiKey);
        System.out.printf(Locale.ROOT, "%nRATIOS (forward-auth / well-known GET): JWT %.2f, API key %.2f; "
            + "without user cache: JWT %.2f, API key %.2f%n", rates[1] / rates[0], rates[2] / rates[0],
            rates[3] / rates[0], rates[4] / rates[0]);
    }

    /** A new user of the table, logged in (MaskAPI) with an API key made: their token and key join the lists. */
    private void login(String table, String configId, String prefix, List<String> tokens, List<String> keys)
        throws Exception {
        String email = unique(prefix);
        insert(table, email, true);
        String token = text(postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
            "x-mapi-key", "app", "x-mapi-auth-config-id", configId).json(), "accessToken");
        tokens.add(token);
        keys.add(text(postJson(api("v1/platform/api-keys"), "{\"name\":\"bench\",\"scopes\":[\"databases:read\"]}",
            "Authorization", "Bearer " + token).json().get("apiKey"), "key"));
    }
}
