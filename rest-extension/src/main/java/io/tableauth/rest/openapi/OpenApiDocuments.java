package io.tableauth.rest.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The OpenAPI 3.1 documents generated at build time from the annotated resources (one per mount: {@code api},
 * {@code auth}) and shipped in the bundle, served as they are at {@code /realms/{realm}/<mount>/openapi.json}. They are
 * the same for every realm (the realm is a path parameter), public, and change only with the bundle.
 */
public final class OpenApiDocuments {

    public static final String API = "api";
    public static final String AUTH = "auth";

    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    private OpenApiDocuments() {
    }

    public static Response serve(String mount) {
        byte[] document = LOADED.computeIfAbsent(mount, OpenApiDocuments::load);
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE)
            .header("Cache-Control", "public, max-age=3600")
            .header("Access-Control-Allow-Origin", "*") // a public document: any editor or client generator may read it
            .build();
    }

    private static byte[] load(String mount) {
        String name = "/META-INF/tableauth/openapi/" + mount + "/openapi.json";
        try (InputStream in = OpenApiDocuments.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The bundle lacks " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
