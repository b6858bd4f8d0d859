package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.BadRequestException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ComponentRepresentation;

/**
 * "Protect APIs with middleware" with a real gateway: Debian's nginx with {@code auth_request} in front of a small
 * upstream that echoes what reaches it. The members auth config protects {@code /api/orders/**}, the staff config
 * {@code /api/admin/**}; {@code /api/public/**} is protected by none (any valid credential of the realm).
 */
class GatewayIT extends RestFixture {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the nginx configuration sends forward-auth; the realm asks for it only where a test sets it. */
    private static final String GATEWAY_SECRET = "gateway-secret-" + Long.toHexString(System.nanoTime());

    private HttpServer upstream;
    private Process nginx;
    private Path nginxDir;
    private URI gateway;

    @BeforeAll
    void startUpstreamAndNginx() throws Exception {
        protect(membersId, List.of("/api/orders/**"));
        protect(staffId, List.of("/api/admin/**"));

        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            Map<String, String> seen = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), v.get(0)));
            seen.put(":path", exchange.getRequestURI().toString());
            String route = expressRoute(exchange.getRequestURI().getRawPath());
            if (route != null) {
                seen.put(":route", route);
            }
            byte[] body = JSON.writeValueAsBytes(seen);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();

        Path nginxBinary = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginxBinary)) {
            fail("nginx is not installed: apt-get install -y nginx-light (.ci/run does this)");
        }
        nginxDir = Files.createTempDirectory("tableauth-nginx");
        URI keycloak = realm.server().baseUri();
        String forwardAuth = "http://" + keycloak.getHost() + ":" + keycloak.getPort() + "/realms/" + realm.name()
            + "/api/v1/forward-auth";
        // nginx binds the port itself, so another process may take it between our probe and nginx's bind: a start that
        // loses the port is tried again on a new one (three times at most).
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            if (startNginx(nginxBinary, port, forwardAuth)) {
                gateway = URI.create("http://127.0.0.1:" + port);
                return;
            }
            if (attempt >= 3) {
                fail("nginx could not bind a free port three times: " + nginxLog());
            }
            System.err.println("[tableauth-it] nginx's port was taken before it bound it; starting again");
        }
    }

    /** Starts nginx on {@code port}; false when the port was taken, a failure for anything else. */
    private boolean startNginx(Path nginxBinary, int port, String forwardAuth) throws Exception {
        String conf = """
            daemon off;
            worker_processes 1;
            pid %1$s/nginx.pid;
            error_log %1$s/error.log info;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path %1$s/body;
              proxy_temp_path %1$s/proxy;
              fastcgi_temp_path %1$s/fastcgi;
              uwsgi_temp_path %1$s/uwsgi;
              scgi_temp_path %1$s/scgi;
              server {
                listen 127.0.0.1:%2$d;
                location /api/ {
                  auth_request /_tableauth;
                  auth_request_set $auth_user_id $upstream_http_x_auth_user_id;
                  auth_request_set $auth_username $upstream_http_x_auth_username;
                  auth_request_set $auth_scopes $upstream_http_x_auth_scopes;
                  auth_request_set $auth_config $upstream_http_x_auth_config;
                  auth_request_set $auth_method $upstream_http_x_auth_method;
                  proxy_set_header X-Auth-User-Id $auth_user_id;
                  proxy_set_header X-Auth-Username $auth_username;
                  proxy_set_header X-Auth-Scopes $auth_scopes;
                  proxy_set_header X-Auth-Config $auth_config;
                  proxy_set_header X-Auth-Method $auth_method;
                  proxy_pass http://127.0.0.1:%3$d;
                }
                location /realms/ {
                  proxy_pass %6$s;
                  proxy_set_header X-Forwarded-For $remote_addr;
                }
                location = /_tableauth {
                  internal;
                  proxy_pass %4$s;
                  proxy_pass_request_body off;
                  proxy_set_header Content-Length "";
                  proxy_set_header X-Original-URI $request_uri;
                  proxy_set_header X-Original-Method $request_method;
                  proxy_set_header X-Forwarded-Uri "";
                  proxy_set_header X-Forwarded-Method "";
                  proxy_set_header X-Tableauth-Gateway-Secret "%5$s";
                }
              }
            }
            """.formatted(nginxDir, port, upstream.getAddress().getPort(), forwardAuth, GATEWAY_SECRET,
                forwardAuth.substring(0, forwardAuth.indexOf("/realms/")));
        Files.writeString(nginxDir.resolve("nginx.conf"), conf);
        Files.deleteIfExists(nginxDir.resolve("nginx.pid"));
        Files.deleteIfExists(nginxDir.resolve("error.log"));
        nginx = new ProcessBuilder(nginxBinary.toString(), "-p", nginxDir.toString(), "-c",
            nginxDir.resolve("nginx.conf").toString()).redirectErrorStream(true)
            .redirectOutput(nginxDir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // nginx writes its pid file once it holds its listening socket: only then is the port nginx's
        while (!Files.exists(nginxDir.resolve("nginx.pid")) || !accepts(port)) {
            if (!nginx.isAlive()) {
                if (nginxLog().contains("Address already in use")) {
                    return false;
                }
                fail("nginx did not start: " + nginxLog());
            }
            if (System.nanoTime() > deadline) {
                fail("nginx did not start within 20 s: " + nginxLog());
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static boolean accepts(int port) {
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String nginxLog() throws IOException {
        return Files.readString(nginxDir.resolve("stdout.log"))
            + (Files.exists(nginxDir.resolve("error.log")) ? Files.readString(nginxDir.resolve("error.log")) : "");
    }

    @AfterAll
    void stopNginxAndUpstream() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    /** Routes of the upstream, in Express's syntax. */
    private static final List<String> ROUTES = List.of("/api/admin", "/api/:id/payroll", "/api/staff/:id",
        "/api/orders/:id");

    /**
     * The route Express (non-strict routing, its default) would give a raw path: one trailing slash ignored, each
     * {@code :param} taking one raw segment as it stands (so {@code %2e%2e} is a parameter, not "up"); null for none.
     */
    static String expressRoute(String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
        String[] segments = path.split("/", -1);
        for (String route : ROUTES) {
            String[] parts = route.split("/", -1);
            boolean match = parts.length == segments.length;
            for (int i = 0; match && i < parts.length; i++) {
                match = parts[i].startsWith(":") ? !segments[i].isEmpty() : parts[i].equalsIgnoreCase(segments[i]);
            }
            if (match) {
                return route;
            }
        }
        return null;
    }

    /** A request for the path exactly as written: no dot segment resolved on the way out. */
    private Http.Response raw(String path, String... headers) {
        return Http.get(URI.create(gateway.toString().replaceAll("/$", "") + path), headers);
    }

    private void protect(String configId, List<String> patterns) {
        ComponentRepresentation c = realm.admin().components().component(configId).toRepresentation();
        c.getConfig().put("protectedPaths", patterns);
        realm.admin().components().component(configId).update(c);
    }

    private Http.Response call(String path, String... headers) {
        return Http.get(gateway.resolve(path), headers);
    }

    private String tokenOf(String table) throws Exception {
        String email = unique("gw");
        insert(table, email, true);
        Http.Response r = postJson(api("v1/auth/login"), Http.body("credential", email, "password", TABLE_PASSWORD),
            "x-mapi-key", "app", "x-mapi-auth-config-id", "members".equals(table) ? membersId : staffId);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("accessToken").asText();
    }

    private static JsonNode seen(Http.Response r) throws IOException {
        return JSON.readTree(r.body());
    }

    /**
     * Keycloak trusts X-Forwarded-For from loopback, where nginx runs. nginx, set up as README says, replaces whatever
     * a client sent with the address it saw, so a client that sends a new address with every call still uses up
     * one address's calls.
     */
    @Test
    void throughTheGatewayAClientCannotPickTheAddressItIsCountedBy() throws Exception {
        String email = unique("gw-rl");
        insert("members", email, true);
        // at the start of a fresh 10 s window, so the count starts at nothing: the tests before may have logged in
        // from this address in the current one (a run on 26.5.7 was refused at its first login without this wait)
        Thread.sleep(10_000 - System.currentTimeMillis() % 10_000 + 100);
        setting("rateLimitWindowSeconds", "10");
        setting("rateLimitPerIp", "3");
        try {
            URI login = gateway.resolve("/realms/" + realm.name() + "/api/v1/platform/auth/login");
            for (int i = 0; i < 3; i++) {
                Http.Response r = Http.postJson(login, Http.body("email", email, "password", TABLE_PASSWORD),
                    "X-Forwarded-For", "198.51.100." + (10 + i));
                assertEquals(200, r.status(), r.toString());
            }
            Http.Response fourth = Http.postJson(login, Http.body("email", email, "password", TABLE_PASSWORD),
                "X-Forwarded-For", "198.51.100.99");
            assertEquals(429, fourth.status(), "the client's own X-Forwarded-For did not count: " + fourth);
        } finally {
            setting("rateLimitPerIp", "1000000");
            setting("rateLimitWindowSeconds", "");
        }
    }

    @Test
    void noCredentialIs401AtTheGatewayAndTheUpstreamIsNotReached() {
        Http.Response r = call("/api/orders/42");
        assertEquals(401, r.status(), r.toString());
        assertEquals(401, call("/api/public/status").status(), "unprotected by any config still needs a credential");
        assertEquals(401, call("/api/orders/42", "Authorization", "Bearer not-a-token").status());
        assertEquals(401, call("/api/orders/42", "X-API-Key", "tak_live_" + "x".repeat(43)).status());
    }

    /**
     * Forward-auth judges the path the upstream will route: nginx passes the request line on as it came, and an
     * Express-style upstream serves {@code /x/} as {@code /x} and takes {@code %2e%2e} as a parameter. So a trailing
     * slash is judged as the path without it, and any dot segment, encoded or not, is refused for everyone.
     */
    @Test
    void aPathIsJudgedAsTheUpstreamRoutesItAndDotSegmentsAreRefused() throws Exception {
        protect(staffId, List.of("/api/admin", "/api/*/payroll", "/api/staff/*"));
        try {
            String member = tokenOf("members");
            String staff = tokenOf("staff");
            for (String path : List.of("/api/admin", "/api/admin/", "/api/1/payroll", "/api/1/payroll/",
                "/api/staff/7", "/api/staff/7/")) {
                assertEquals(403, raw(path, "Authorization", "Bearer " + member).status(),
                    "another config's user on " + path);
                Http.Response ok = raw(path, "Authorization", "Bearer " + staff);
                assertEquals(200, ok.status(), path + ": " + ok);
                assertTrue(seen(ok).has(":route"), "the upstream routed " + path + ": " + ok.body());
            }
            Http.Response own = raw("/api/orders/42/", "Authorization", "Bearer " + member);
            assertEquals(200, own.status(), "a member's own API with a trailing slash: " + own);
            for (String dots : List.of("/api/staff/%2e%2e", "/api/staff/%2E%2E", "/api/staff/.%2e",
                "/api/staff/%2e.", "/api/staff/..;x", "/api/orders/./42", "/api/orders/%2e/42")) {
                int status = raw(dots, "Authorization", "Bearer " + staff).status();
                assertTrue(status == 403 || status == 400, dots + " is refused even for the config's own user: "
                    + status);
                assertEquals(403, raw(dots, "Authorization", "Bearer " + member).status(), dots);
            }
            assertEquals(401, raw("/api/staff/%2e%2e").status(), "no credential: 401 before the path is read");
        } finally {
            protect(staffId, List.of("/api/admin/**"));
        }
    }

    @Tag("smoke")
    @Test
    void anotherConfigsTokenIs403AndTheRightOneReachesTheUpstreamWithItsIdentity() throws Exception {
        String member = tokenOf("members");
        String staff = tokenOf("staff");
        assertEquals(403, call("/api/orders/42", "Authorization", "Bearer " + staff).status(),
            "staff token on the members API");
        assertEquals(403, call("/api/admin/users", "Authorization", "Bearer " + member).status());
        String kcUser = Tokens.passwordGrant(realm, "app", "kc-user", "kc-user-password").json().get("access_token").asText();
        assertEquals(403, call("/api/orders/42", "Authorization", "Bearer " + kcUser).status(),
            "a Keycloak user belongs to no auth config");

        Http.Response ok = call("/api/orders/42?expand=items", "Authorization", "Bearer " + member);
        assertEquals(200, ok.status(), ok.toString());
        JsonNode seen = seen(ok);
        assertEquals("/api/orders/42?expand=items", seen.get(":path").asText());
        String sub = Tokens.verifyAccessToken(realm, member).getSubject();
        assertEquals(sub, seen.get("x-auth-user-id").asText());
        assertEquals(membersId, seen.get("x-auth-config").asText());
        assertEquals("jwt", seen.get("x-auth-method").asText());
        assertTrue(seen.get("x-auth-username").asText().startsWith("gw-"), seen.toString());

        Http.Response shared = call("/api/public/status", "Authorization", "Bearer " + staff);
        assertEquals(200, shared.status(), "a path no config protects takes any valid credential");
        assertEquals(staffId, seen(shared).get("x-auth-config").asText());

        assertEquals(403, call("/api/orders/../admin/users", "Authorization", "Bearer " + member).status(),
            "a path with dot segments is refused");
        assertEquals(403, call("/api//admin/users", "Authorization", "Bearer " + member).status());
        assertEquals(403, call("/api/%61dmin/users", "Authorization", "Bearer " + member).status(),
            "percent-encoding is decoded before matching");

        Http.Response out = postJson(api("v1/auth/logout"), null, "Authorization", "Bearer " + member,
            "x-mapi-key", "app", "x-mapi-auth-config-id", membersId);
        assertEquals(200, out.status(), out.toString());
        assertEquals(401, call("/api/orders/42", "Authorization", "Bearer " + member).status(),
            "a logged-out session's token is refused at once");
    }

    @Tag("smoke")
    @Test
    void anApiKeyOfTheRightConfigReachesTheUpstream() throws Exception {
        String member = tokenOf("members");
        Http.Response made = postJson(api("v1/platform/api-keys"),
            "{\"name\":\"gateway\",\"scopes\":[\"databases:read\"]}", "Authorization", "Bearer " + member);
        assertEquals(201, made.status(), made.toString());
        String key = made.json().get("apiKey").get("key").asText();
        Http.Response ok = call("/api/orders", "X-API-Key", key);
        assertEquals(200, ok.status(), ok.toString());
        JsonNode seen = seen(ok);
        assertEquals("databases:read", seen.get("x-auth-scopes").asText());
        assertEquals("api-key", seen.get("x-auth-method").asText());
        assertEquals(membersId, seen.get("x-auth-config").asText());
        assertNull(seen.get("authorization"));
        assertEquals(403, call("/api/admin/users", "X-API-Key", key).status());

        String id = made.json().get("apiKey").get("id").asText();
        postJson(api("v1/platform/api-keys/" + id + "/revoke"), null, "Authorization", "Bearer " + member);
        assertEquals(401, call("/api/orders", "X-API-Key", key).status(), "revoked: refused on the next request");
    }

    @Test
    void traefikAndEnvoyStyleRequestsAreUnderstoodToo() throws Exception {
        String staff = tokenOf("staff");
        // Traefik ForwardAuth: original method and URI in X-Forwarded-* headers
        assertEquals(403, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + staff,
            "X-Forwarded-Method", "DELETE", "X-Forwarded-Uri", "/api/orders/7").status());
        Http.Response traefik = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + staff,
            "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/api/admin/users");
        assertEquals(200, traefik.status(), traefik.toString());
        assertEquals(staffId, traefik.raw().headers().firstValue("X-Auth-Config").orElse(null));
        // Envoy ext_authz (HTTP service): the original path after ours, the original method as the method
        assertEquals(403, Http.json("DELETE", api("v1/forward-auth/api/orders/7"), null,
            "Authorization", "Bearer " + staff).status());
        assertEquals(200, Http.json("PUT", api("v1/forward-auth/api/admin/users/3"), null,
            "Authorization", "Bearer " + staff).status());
    }

    /** Only an enabled auth config's patterns protect: switching a config off frees its paths, on claims them again. */
    @Test
    void aDisabledAuthConfigProtectsNothing() throws Exception {
        String member = tokenOf("members");
        List<String> before = realm.admin().components().component(staffId).toRepresentation().getConfig()
            .get("protectedPaths");
        protect(staffId, List.of("/api/switched/**"));
        try {
            assertEquals(403, forwardAuth(member, "/api/switched/1"), "the staff config's path");
            ComponentRepresentation off = realm.admin().components().component(staffId).toRepresentation();
            off.getConfig().putSingle("enabled", "false");
            realm.admin().components().component(staffId).update(off);
            assertEquals(200, forwardAuth(member, "/api/switched/1"), "its config switched off");
            off.getConfig().putSingle("enabled", "true");
            realm.admin().components().component(staffId).update(off);
            assertEquals(403, forwardAuth(member, "/api/switched/1"), "switched on again");
        } finally {
            ComponentRepresentation restore = realm.admin().components().component(staffId).toRepresentation();
            restore.getConfig().putSingle("enabled", "true");
            restore.getConfig().put("protectedPaths", before);
            realm.admin().components().component(staffId).update(restore);
        }
    }

    private int forwardAuth(String token, String path) {
        return Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + token, "X-Original-URI", path,
            "X-Original-Method", "GET").status();
    }

    @Test
    void patternsAreCheckedWhenAnAuthConfigIsSaved() {
        ComponentRepresentation c = realm.admin().components().component(staffId).toRepresentation();
        c.getConfig().put("protectedPaths", List.of("api/no-slash"));
        try {
            realm.admin().components().component(staffId).update(c);
            fail("a pattern without a leading / must be refused");
        } catch (BadRequestException e) {
            String message = e.getResponse().readEntity(String.class);
            assertTrue(message.contains("Protected API path api/no-slash is not valid: it must start with /"), message);
        }
        c.getConfig().put("protectedPaths", List.of("/api/admin/**", "/api/orders/**"));
        try {
            realm.admin().components().component(staffId).update(c);
            fail("a pattern of another config must be refused");
        } catch (BadRequestException e) {
            String message = e.getResponse().readEntity(String.class);
            assertTrue(message.contains("/api/orders/** already belongs to the auth config Members"), message);
        }
        assertEquals(List.of("/api/admin/**"),
            realm.admin().components().component(staffId).toRepresentation().getConfig().get("protectedPaths"));
    }

    @Test
    void aHeaderTheClientSentCannotChooseThePathThatIsChecked() throws Exception {
        String member = tokenOf("members");
        String[] auth = {"Authorization", "Bearer " + member};
        // nginx passes a client's own X-Forwarded-Uri on unless told not to: forward-auth must not believe it.
        Http.Response direct = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
            "X-Original-URI", "/api/admin/users", "X-Forwarded-Uri", "/api/public/x");
        assertEquals(403, direct.status(), "two different original paths (auto): " + direct);
        setting("forwardAuthGateway", "nginx");
        try {
            Http.Response nginxOnly = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
                "X-Original-URI", "/api/admin/users", "X-Forwarded-Uri", "/api/public/x");
            assertEquals(403, nginxOnly.status(), "nginx mode reads X-Original-URI only: " + nginxOnly);
            assertEquals(200, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
                "X-Original-URI", "/api/public/x", "X-Forwarded-Uri", "/api/admin/users").status());
            assertEquals(403, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
                "X-Forwarded-Uri", "/api/public/x").status(), "without the gateway's own header: refused");
            Http.Response through = call("/api/admin/users", "Authorization", "Bearer " + member,
                "X-Forwarded-Uri", "/api/public/x");
            assertEquals(403, through.status(), "through the real nginx: " + through);
        } finally {
            setting("forwardAuthGateway", "auto");
        }
        assertEquals(200, call("/api/public/x", "Authorization", "Bearer " + member).status(), "the legitimate call");
    }

    @Test
    void pathParametersLetterCaseAndEncodingsDoNotSlipPastAPattern() throws Exception {
        String member = tokenOf("members");
        for (String path : List.of("/api/admin;x/users", "/api/admin;jsessionid=1/users", "/api/ADMIN/users", "/api/admin%3Bx/users", "/api/%2561dmin/users", "/api/admin%2Fusers",
            "/api/orders/../Admin/users")) {
            Http.Response r = call(path, "Authorization", "Bearer " + member);
            assertEquals(403, r.status(), path + " through nginx: " + r);
        }
        assertEquals(403, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
            "X-Original-URI", "/API/Admin/users").status(), "letter case: Express routes /API/Admin as /api/admin");
        // Envoy mode: the path after ours is decoded exactly once (Keycloak itself answers 400 to some encodings).
        for (String encoded : List.of("api/%2561dmin/users", "api/%61dmin/users", "api/admin%3Bx/users")) {
            int status = Http.get(api("v1/forward-auth/" + encoded), "Authorization", "Bearer " + member).status();
            assertTrue(status == 403 || status == 400, encoded + " must be refused, was " + status);
        }
        assertEquals(200, call("/api/orders;v=2/42", "Authorization", "Bearer " + member).status(),
            "a member's own API with a path parameter");
    }

    /** A MaskAPI client names its project in x-mapi-key: a credential of another project is refused. */
    @Test
    void aCredentialOfAnotherProjectIs403() throws Exception {
        String member = tokenOf("members"); // issued to the client "app"
        Http.Response other = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
            "X-Original-URI", "/api/orders/1", "x-mapi-key", "project-b");
        assertEquals(403, other.status(), other.toString());
        assertEquals(200, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
            "X-Original-URI", "/api/orders/1", "x-mapi-key", "app").status(), "its own project");
    }

    @Test
    void withAGatewaySecretForwardAuthAnswersTheGatewayOnly() throws Exception {
        String member = tokenOf("members");
        setting("forwardAuthSecret", GATEWAY_SECRET);
        try {
            Http.Response direct = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
                "X-Original-URI", "/api/orders/1");
            assertEquals(403, direct.status(), "a caller that is not the gateway: " + direct);
            assertEquals(403, Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + member,
                "X-Original-URI", "/api/orders/1", "X-Tableauth-Gateway-Secret", "guess-" + GATEWAY_SECRET).status());
            assertEquals(200, call("/api/orders/1", "Authorization", "Bearer " + member).status(),
                "nginx sends the secret");
        } finally {
            setting("forwardAuthSecret", "");
        }
    }
}
