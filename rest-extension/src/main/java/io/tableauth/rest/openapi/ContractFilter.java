package io.tableauth.rest.openapi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Build-time only (the OpenAPI generator runs it; Keycloak never does): what the resources cannot say by annotation.
 * The mounts are reached from Keycloak's own {@code /realms/{realm}} and {@code /admin/realms/{realm}} roots, so every
 * path gets the {@code realm} parameter; bodies are read as JSON whatever their declared type (the resources consume
 * any type, so that a browser's simple request is refused by its origin, not by its content type), so their content
 * is documented as {@code application/json}.
 */
public class ContractFilter implements OASFilter {

    private static final String SCHEMAS = "#/components/schemas/";
    /** The extension naming the Java method that serves an operation: {@code Class.method}. */
    public static final String HANDLER = "x-tableauth-handler";

    @Override
    public RequestBody filterRequestBody(RequestBody body) {
        Content content = body.getContent();
        if (content != null && content.hasMediaType("*/*")) {
            MediaType any = content.getMediaType("*/*");
            content.removeMediaType("*/*");
            content.addMediaType("application/json", any);
        }
        return body;
    }

    /**
     * Operation ids a generated client can use as method names ({@code maskApiLogin}, {@code directusRefresh}); the
     * Java method that serves the operation is kept in {@code x-tableauth-handler} ({@code MaskApiResource.login}).
     */
    @Override
    public Operation filterOperation(Operation operation) {
        String handler = operation.getOperationId(); // Class_method (operationIdStrategy CLASS_METHOD)
        if (handler == null || !handler.contains("_") || operation.getTags() == null || operation.getTags().isEmpty()) {
            return operation;
        }
        operation.addExtension(HANDLER, handler.replace('_', '.'));
        String[] words = operation.getTags().get(0).split("[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])");
        StringBuilder id = new StringBuilder(words[0].toLowerCase(Locale.ROOT));
        for (int i = 1; i < words.length; i++) {
            id.append(capital(words[i].toLowerCase(Locale.ROOT)));
        }
        String method = handler.substring(handler.indexOf('_') + 1);
        String prefix = id.toString();
        if (method.startsWith(prefix) && method.length() > prefix.length()) {
            method = method.substring(prefix.length()); // baasixRegister under Baasix: register
        }
        return operation.operationId(prefix + capital(method));
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> e : openAPI.getPaths().getPathItems().entrySet()) {
            if (e.getKey().contains("{realm}")) {
                e.getValue().addParameter(OASFactory.createParameter().name("realm").in(Parameter.In.PATH)
                    .required(true).description("The Keycloak realm's name")
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
            }
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents()
            .addSecurityScheme("bearer", OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT").description("An access token of the realm"))
            .addSecurityScheme("apiKey", OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-API-Key").description("An API key (forward-auth)"));
        pruneUnused(openAPI);
    }

    /** Every mount's scan sees every dialect's records: keep the schemas this document's operations use. */
    private static void pruneUnused(OpenAPI openAPI) {
        Map<String, Schema> all = openAPI.getComponents().getSchemas();
        if (all == null) {
            return;
        }
        Set<String> used = new HashSet<>();
        Deque<Schema> todo = new LinkedList<>(); // takes nulls: absent parts are skipped below
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation op : item.getOperations().values()) {
                if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                    op.getRequestBody().getContent().getMediaTypes().values().forEach(m -> todo.add(m.getSchema()));
                }
                if (op.getResponses() != null) {
                    for (APIResponse r : op.getResponses().getAPIResponses().values()) {
                        if (r.getContent() != null) {
                            r.getContent().getMediaTypes().values().forEach(m -> todo.add(m.getSchema()));
                        }
                    }
                }
            }
        }
        while (!todo.isEmpty()) {
            Schema schema = todo.pop();
            if (schema == null) {
                continue;
            }
            String ref = schema.getRef();
            if (ref != null && ref.startsWith(SCHEMAS) && used.add(ref.substring(SCHEMAS.length()))) {
                todo.add(all.get(ref.substring(SCHEMAS.length())));
            }
            if (schema.getProperties() != null) {
                todo.addAll(schema.getProperties().values());
            }
            for (List<Schema> list : Arrays.asList(schema.getOneOf(), schema.getAnyOf(), schema.getAllOf())) {
                if (list != null) {
                    todo.addAll(list);
                }
            }
            todo.add(schema.getItems());
            todo.add(schema.getAdditionalPropertiesSchema());
        }
        new ArrayList<>(all.keySet()).stream().filter(name -> !used.contains(name))
            .forEach(openAPI.getComponents()::removeSchema);
    }
}
