package io.tableauth.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * Every answer of tableauth's REST mounts in the integration tests is checked against the OpenAPI document that
 * the server under test serves ({@code /realms/{realm}/api/openapi.json} for {@code api} and the admin API keys,
 * {@code /realms/{realm}/auth/openapi.json} for {@code auth}): the path and method are documented, the status is
 * documented (or covered by the operation's {@code default}), and a JSON body validates against the response's
 * schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it). A mismatch fails the test that made the call, so the
 * contract cannot drift from what the server answers.
 */
public final class Contract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MOUNT =
        Pattern.compile("^/(?:admin/)?realms/([^/]+)/(api|auth|tableauth-api-keys)(/.*)?$");
    // HTTP/1.1 as Http: an h2c upgrade answered with the whole document in one frame fails the JDK client
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** Per server origin and mount: the parsed document and its operations. */
    private static final Map<String, Document> DOCUMENTS = new ConcurrentHashMap<>();
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();

    private Contract() {
    }

    private record Operation(String template, Pattern pattern, int literals, JsonNode item) {
    }

    private record Document(JsonNode root, List<Operation> paths) {
    }

    /** Checks one answer; throws AssertionError with what differs. */
    static void check(String method, URI uri, int status, String body) {
        String path = uri.getRawPath();
        Matcher m = MOUNT.matcher(path == null ? "" : path);
        if (!m.matches() || path.endsWith("/openapi.json")) {
            return;
        }
        String mount = m.group(2).equals("auth") ? "auth" : "api";
        if (m.group(2).equals("tableauth-api-keys") != path.startsWith("/admin/")) {
            return;
        }
        if (status == 400 && body != null && body.contains("\"missingNormalization\"")) {
            return; // Keycloak refuses a path that is not normalised itself, before any resource runs
        }
        Document doc = document(uri, m.group(1), mount);
        if (doc == null) {
            return; // a server that serves no document (not tableauth's mount): nothing to check against
        }
        Operation op = doc.paths().stream().filter(o -> o.pattern().matcher(path).matches())
            .max(Comparator.comparingInt(Operation::literals)).orElse(null);
        JsonNode operation = op == null ? null : op.item().get(method.toLowerCase(java.util.Locale.ROOT));
        if (operation == null) {
            if (status == 404 || status == 405 || "OPTIONS".equals(method)) {
                return; // no such resource (JAX-RS answers), or a CORS preflight
            }
            throw new AssertionError("OpenAPI: " + method + " " + path + " answered " + status
                + " but the " + mount + " document has no such operation");
        }
        JsonNode responses = operation.path("responses");
        String code = String.valueOf(status);
        JsonNode response = responses.has(code) ? responses.get(code) : responses.get("default");
        if (response == null) {
            throw new AssertionError("OpenAPI: " + method + " " + op.template() + " answered " + status
                + ", which its document does not list: " + body);
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return; // documented without a body (204, 302)
        }
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("OpenAPI: " + method + " " + op.template() + " " + status
                + " must answer JSON, answered: " + body);
        }
        if (instance == null || instance.isMissingNode()) {
            throw new AssertionError("OpenAPI: " + method + " " + op.template() + " " + status
                + " must answer a JSON body, answered none");
        }
        String key = uri.getScheme() + "://" + uri.getRawAuthority() + " " + mount + " " + method + " "
            + op.template() + " " + (responses.has(code) ? code : "default");
        Schema compiled = COMPILED.computeIfAbsent(key, k -> compile(doc.root(), schema));
        List<Error> errors = compiled.validate(instance);
        if (!errors.isEmpty()) {
            throw new AssertionError("OpenAPI: " + method + " " + op.template() + " " + status
                + " does not match its documented schema: " + errors + "\nbody: " + body);
        }
    }

    /** The response schema as a document of its own, with the components its references point into. */
    private static Schema compile(JsonNode root, JsonNode schema) {
        ObjectNode standalone = JSON.createObjectNode();
        standalone.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        standalone.set("components", root.path("components"));
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            standalone.set(f.getKey(), f.getValue());
        }
        return SCHEMAS.getSchema(standalone.toString(), com.networknt.schema.InputFormat.JSON);
    }

    private static Document document(URI uri, String realm, String mount) {
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String base = origin + uri.getRawPath().substring(0, uri.getRawPath().indexOf("/realms/"));
        if (base.endsWith("/admin")) {
            base = base.substring(0, base.length() - "/admin".length());
        }
        String url = base + "/realms/" + realm + "/" + mount + "/openapi.json";
        return DOCUMENTS.computeIfAbsent(origin + " " + base + " " + mount, k -> load(url));
    }

    private static Document load(String url) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("OpenAPI: " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode root = JSON.readTree(r.body());
            List<Operation> ops = new ArrayList<>();
            root.path("paths").fields().forEachRemaining(e -> ops.add(operation(e.getKey(), e.getValue())));
            return new Document(root, ops);
        } catch (java.io.IOException e) {
            throw new AssertionError("OpenAPI: " + url + " could not be read", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code {path}} (forward-auth's original request) spans segments; other parameters are one segment each. */
    private static Operation operation(String template, JsonNode item) {
        StringBuilder regex = new StringBuilder("^");
        Matcher p = Pattern.compile("\\{([^}]+)}").matcher(template);
        int last = 0;
        int literals = 0;
        while (p.find()) {
            String literal = template.substring(last, p.start());
            boolean rest = p.group(1).equals("path") && literal.endsWith("/");
            if (rest) {
                literal = literal.substring(0, literal.length() - 1); // the original path may be empty
            }
            regex.append(Pattern.quote(literal));
            literals += literal.length();
            regex.append(rest ? "(?:/.*)?" : p.group(1).equals("path") ? ".*" : "[^/]+");
            last = p.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append("/?$");
        literals += template.length() - last;
        return new Operation(template, Pattern.compile(regex.toString()), literals, item);
    }
}
