package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plain HTTP calls as an API client makes them, with the response body parsed as JSON. Every answer of tableauth's
 * REST mounts is checked against the OpenAPI document the server serves ({@link Contract}).
 */
public final class Http {

    // HTTP/1.1, as curl and the products' SDKs speak to a plain-http server: the JDK's default tries an h2c upgrade
    // on every GET, which once left the client reading a body as HTTP/2 frames
    private static final HttpClient CLIENT = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** A response: status, raw body and (if the body is JSON) its tree. */
    public record Response(int status, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Response body is not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public static Response get(URI uri, String... headers) {
        return send(request(uri, headers).GET().build());
    }

    public static Response postForm(URI uri, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
        return send(request(uri, headers)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
    }

    /** A JSON call as a browser or app makes it; {@code json} may be null for no body. */
    public static Response json(String method, URI uri, String json, String... headers) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder builder = request(uri, headers).method(method, body);
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder.build());
    }

    /** A POST with a body of the given content type, as a form or another site's page might send it. */
    public static Response post(URI uri, String contentType, String body, String... headers) {
        return send(request(uri, headers).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public static Response postJson(URI uri, String json, String... headers) {
        return json("POST", uri, json, headers);
    }

    /** A JSON body from alternating keys and values (values are strings or null). */
    public static String body(String... keysAndValues) {
        com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return node.toString();
    }

    /** The Set-Cookie values of a response as name → full header value. */
    public static Map<String, String> setCookies(Response r) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String v : r.raw().headers().allValues("set-cookie")) {
            out.put(v.substring(0, v.indexOf('=')), v);
        }
        return out;
    }

    /** The value part of a Set-Cookie header. */
    public static String cookieValue(String setCookie) {
        String first = setCookie.split(";", 2)[0];
        return first.substring(first.indexOf('=') + 1);
    }

    private static HttpRequest.Builder request(URI uri, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            Contract.check(request.method(), request.uri(), response.statusCode(), response.body());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
