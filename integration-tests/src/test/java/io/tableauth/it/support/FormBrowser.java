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
    /** Cookies by name. Kept by hand: Keycloak marks its cookies Secure, which java.net's jar won't send over http. */
    private final Map<String, String> cookies = new java.util.LinkedHashMap<>();
    private Http.Response page;

    public Http.Response open(URI uri) {
        return page = send(HttpRequest.newBuilder(uri).GET());
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
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
            for (String set : r.headers().allValues("set-cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String value = pair.substring(eq + 1);
                if (value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    cookies.remove(pair.substring(0, eq));
                } else {
                    cookies.put(pair.substring(0, eq), value);
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
