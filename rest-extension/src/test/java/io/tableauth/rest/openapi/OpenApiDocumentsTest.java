package io.tableauth.rest.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.HttpMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.rest.ApiRootResource;
import io.tableauth.rest.AuthRootResource;
import io.tableauth.rest.admin.ApiKeysAdminResource;
import io.tableauth.rest.dialect.baasix.BaasixResource;
import io.tableauth.rest.dialect.directus.DirectusResource;
import io.tableauth.rest.dialect.maskapi.MaskApiResource;
import io.tableauth.rest.dialect.mavibase.MavibaseApiKeysResource;
import io.tableauth.rest.dialect.mavibase.MavibaseResource;
import io.tableauth.rest.dialect.slashapi.SlashApiResource;
import io.tableauth.rest.gateway.ForwardAuthResource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * The documents generated at build time: OpenAPI 3.1, every served operation in them with its answer's schema and
 * its error shape, every reference resolvable. The ITs check the server's answers against them.
 */
class OpenApiDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode document(String mount) throws Exception {
        try (InputStream in = OpenApiDocuments.class.getResourceAsStream(
            "/META-INF/tableauth/openapi/" + mount + "/openapi.json")) {
            assertNotNull(in, "generated at build time: " + mount);
            return JSON.readTree(in);
        }
    }

    /** Class.method of every JAX-RS method of these classes that is not hidden. */
    private static Set<String> served(Class<?>... resources) {
        Set<String> ids = new HashSet<>();
        for (Class<?> type : resources) {
            for (Method m : type.getDeclaredMethods()) {
                boolean http = false;
                for (var a : m.getAnnotations()) {
                    http |= a.annotationType().isAnnotationPresent(HttpMethod.class);
                }
                Operation op = m.getAnnotation(Operation.class);
                if (http && (op == null || !op.hidden())) {
                    ids.add(type.getSimpleName() + "." + m.getName());
                }
            }
        }
        return ids;
    }

    private static Map<String, JsonNode> operations(JsonNode doc) {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(o -> {
            if (!o.getKey().equals("parameters")) {
                out.put(o.getValue().path(ContractFilter.HANDLER).asText(o.getKey() + " " + p.getKey()), o.getValue());
            }
        }));
        return out;
    }

    @Test
    void everyServedOperationIsDocumentedWithItsAnswerAndErrorShape() throws Exception {
        Map<String, JsonNode> api = operations(document("api"));
        Map<String, JsonNode> auth = operations(document("auth"));
        Set<String> apiServed = served(MaskApiResource.class, MavibaseResource.class, MavibaseApiKeysResource.class,
            io.tableauth.rest.dialect.mavibase.MavibaseTwoFactorResource.class,
            io.tableauth.rest.dialect.mavibase.MavibaseSessionsResource.class,
            io.tableauth.rest.dialect.mavibase.MavibaseMeResource.class,
            io.tableauth.rest.dialect.mavibase.MavibaseMagicLinkResource.class,
            io.tableauth.rest.dialect.mavibase.MavibaseEmailOtpResource.class,
            io.tableauth.rest.dialect.mavibase.MavibasePasskeysResource.class,
            io.tableauth.rest.dialect.mavibase.MavibasePasskeyLoginResource.class,
            ForwardAuthResource.class, ApiKeysAdminResource.class,
            io.tableauth.rest.dialect.oauth.AuthorizationChallengeResource.class);
        // Directus's calls are served by the mount's root, which extends DirectusResource
        Set<String> authServed = new HashSet<>(served(SlashApiResource.class));
        served(DirectusResource.class).forEach(id -> authServed.add(id.replace("DirectusResource.",
            "AuthRootResource.")));
        authServed.addAll(served(AuthRootResource.class));
        assertEquals(apiServed, api.keySet(), "api document");
        assertEquals(authServed, auth.keySet(), "auth document");
        assertTrue(served(BaasixResource.class).isEmpty(), "Baasix's calls are served through the auth mount");
        assertTrue(served(ApiRootResource.class).isEmpty(), "the api root only locates");

        List<String> faults = new ArrayList<>();
        for (Map<String, JsonNode> ops : List.of(api, auth)) {
            ops.forEach((id, op) -> {
                if (op.path("tags").isEmpty()) {
                    faults.add(id + ": no tag");
                }
                if (!op.path("operationId").asText().matches("[a-z][A-Za-z0-9]+")) {
                    faults.add(id + ": operationId " + op.path("operationId"));
                }
                JsonNode responses = op.path("responses");
                if (!responses.has("default")) {
                    faults.add(id + ": no error shape (default response)");
                }
                boolean success = false;
                for (var codes = responses.fieldNames(); codes.hasNext(); ) {
                    success |= codes.next().matches("[23]\\d\\d");
                }
                if (!success) {
                    faults.add(id + ": no success answer documented");
                }
                responses.fields().forEachRemaining(r -> {
                    boolean bodyless = r.getKey().equals("204") || r.getKey().equals("302");
                    boolean hasSchema = r.getValue().path("content").path("application/json").has("schema");
                    if (bodyless == hasSchema) {
                        faults.add(id + " " + r.getKey() + (bodyless ? ": a body on a bodyless answer" : ": no "
                            + "schema"));
                    }
                });
            });
        }
        assertEquals(List.of(), faults);
        Set<String> ids = new HashSet<>();
        api.values().forEach(op -> assertTrue(ids.add(op.path("operationId").asText()), op.toString()));
        auth.values().forEach(op -> assertTrue(ids.add(op.path("operationId").asText()), op.toString()));
        assertTrue(ids.containsAll(List.of("maskApiLogin", "mavibaseLogin", "mavibaseApiKeysCreate", "forwardAuthGet",
            "adminApiKeysList", "oauthAuthorizationChallenge", "directusLogin", "directusRefresh", "baasixRegister", "baasixMe", "slashApiUpdate")),
                ids.toString());
    }

    @Test
    void documentsAreOpenApi31WithEveryReferenceResolvableAndTheRealmDeclared() throws Exception {
        for (String mount : List.of(OpenApiDocuments.API, OpenApiDocuments.AUTH)) {
            JsonNode doc = document(mount);
            assertEquals("3.1.0", doc.path("openapi").asText(), mount);
            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            assertFalse(refs.isEmpty(), mount);
            for (String ref : refs) {
                assertTrue(ref.startsWith("#/components/schemas/"), ref);
                assertFalse(doc.at(ref.substring(1)).isMissingNode(), mount + ": unresolved " + ref);
            }
            doc.path("components").path("schemas").fields().forEachRemaining(c -> c.getValue().path("required")
                .forEach(r -> assertTrue(c.getValue().path("properties").has(r.asText()),
                    mount + ": " + c.getKey() + " requires " + r + ", which it does not have")));
            doc.path("paths").fields().forEachRemaining(p -> {
                assertTrue(p.getKey().startsWith("/realms/{realm}/" + mount + "/")
                    || p.getKey().startsWith("/admin/realms/{realm}/tableauth-api-keys/"), p.getKey());
                List<String> names = new ArrayList<>();
                p.getValue().path("parameters").forEach(param -> names.add(param.path("name").asText()));
                assertTrue(names.contains("realm"), p.getKey() + " " + names);
            });
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    refs.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
