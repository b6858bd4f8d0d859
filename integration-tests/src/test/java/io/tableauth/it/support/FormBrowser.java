package io.tableauth.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does with Keycloak's login pages, without the rendering: keeps cookies, reads a page's form and
 * posts it. Enough to drive the login, registration and reset-credentials pages over HTTP; issue 7's Chromium tests
 * drive the same pages in a real browser.
 */
public final class FormBrowser {

    private final HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    /**
     * Cookies by path, then name (each realm has its own AUTH_SESSION_ID). Kept by hand: Keycloak marks its cookies
     * Secure, which java.net's jar won't send over http.
     */
    private final Map<String, Map<String, String>> cookies = new java.util.LinkedHashMap<>();
    private Http.Response page;

    public Http.Response open(URI uri) {
        return page = send(HttpRequest.newBuilder(uri).GET());
    }

    /** The last answer. */
    public Http.Response page() {
        return page;
    }

    /** The cookie this browser holds under that name, or null. */
    public String cookie(String name) {
        return cookies.values().stream().map(c -> c.get(name)).filter(java.util.Objects::nonNull).findFirst()
            .orElse(null);
    }

    /**
     * Follows redirects as a browser does while they stay on {@code authority} (host:port of the Keycloak under
     * test); returns the first answer that is not such a redirect: a page, or a redirect to somewhere else.
     */
    public Http.Response follow(String authority) {
        for (int hops = 0; page.status() / 100 == 3 && hops < 20; hops++) {
            URI next = location();
            if (!authority.equalsIgnoreCase(next.getRawAuthority())) {
                break;
            }
            open(next);
        }
        return page;
    }

    /** The current answer's Location, resolved against its request. */
    public URI location() {
        String location = page.raw().headers().firstValue("Location")
            .orElseThrow(() -> new AssertionError("No Location on " + page));
        return page.raw().request().uri().resolve(location);
    }

    /** Posts the current page's form with the given id, with these fields. */
    public Http.Response submit(String formId, Map<String, String> fields) {
        Matcher m = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(formId) + "\"[^>]*>").matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No form " + formId + " on the page: " + page);
        }
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(m.group());
        if (!action.find()) {
            throw new AssertionError("Form " + formId + " has no action");
        }
        URI target = URI.create(action.group(1).replace("&amp;", "&"));
        String body = fields.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return page = send(HttpRequest.newBuilder(target)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Http.Response send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        String path = built.uri().getRawPath() == null || built.uri().getRawPath().isEmpty() ? "/"
            : built.uri().getRawPath();
        String header = cookies.entrySet().stream()
            .filter(e -> path.startsWith(e.getKey()) || (path + "/").equals(e.getKey()))
            .flatMap(e -> e.getValue().entrySet().stream())
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
        if (!header.isEmpty()) {
            HttpRequest.Builder withCookies = HttpRequest.newBuilder(built, (n, v) -> true).header("Cookie", header);
            built = withCookies.build();
        }
        try {
            HttpResponse<String> r = client.send(built, HttpResponse.BodyHandlers.ofString());
            for (String set : r.headers().allValues("set-cookie")) {
                String[] parts = set.split(";");
                String pair = parts[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1);
                String cookiePath = java.util.Arrays.stream(parts).skip(1).map(String::trim)
                    .filter(a -> a.toLowerCase(java.util.Locale.ROOT).startsWith("path="))
                    .map(a -> a.substring(5)).findFirst().orElse(defaultPath(path));
                Map<String, String> jar = cookies.computeIfAbsent(cookiePath, k -> new java.util.LinkedHashMap<>());
                if (value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return new Http.Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** RFC 6265's default cookie path: the request path up to its last slash. */
    private static String defaultPath(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
