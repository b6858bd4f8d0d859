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
 * every check also reads the auth configs' patterns. Run:
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
        List<String> tokens = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        String[] mask = {"x-mapi-key", "app", "x-mapi-auth-config-id", membersId};
        for (int i = 0; i < THREADS; i++) {
            String email = unique("fab" + i);
            insert("members", email, true);
            String token = text(postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
                mask).json(), "accessToken");
            tokens.add(token);
            keys.add(text(postJson(api("v1/platform/api-keys"), "{\"name\":\"bench\",\"scopes\":[\"databases:read\"]}",
                "Authorization", "Bearer " + token).json().get("apiKey"), "key"));
        }
        IntFunction<Http.Response> wellKnown = t -> Http.get(realm.uri("/.well-known/openid-configuration"));
        IntFunction<Http.Response> jwt = t -> Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + tokens.get(t),
            "X-Original-URI", "/api/orders/42", "X-Original-Method", "GET");
        IntFunction<Http.Response> apiKey = t -> Http.get(api("v1/forward-auth"), "X-API-Key", keys.get(t),
            "X-Original-URI", "/api/orders/42", "X-Original-Method", "GET");
        String[] names = {"Keycloak realm well-known GET", "forward-auth, Bearer JWT", "forward-auth, X-API-Key"};
        Interleaved.run(THREADS, false, 5, names, wellKnown, jwt, apiKey);
        double[] rates = Interleaved.run(THREADS, true, SECONDS, names, wellKnown, jwt, apiKey);
        System.out.printf(Locale.ROOT, "%nRATIOS (forward-auth / well-known GET): JWT %.2f, API key %.2f%n",
            rates[1] / rates[0], rates[2] / rates[0]);
    }
}
