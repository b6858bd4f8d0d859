package io.tableauth.rest.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

import io.tableauth.rest.core.InputLimits;

/**
 * The request a gateway asks forward-auth about, read only from where the configured gateway puts it: nginx's
 * {@code X-Original-URI}, Traefik's {@code X-Forwarded-Uri}, or for Envoy the path appended to forward-auth's own.
 * A header the configured gateway does not set is ignored, since gateways pass their clients' headers on. In
 * {@code auto} mode every place that holds a path must agree, or the request is refused.
 */
final class OriginalRequest {

    /** The realm setting's values. */
    static final String AUTO = "auto";
    static final String NGINX = "nginx";
    static final String TRAEFIK = "traefik";
    static final String ENVOY = "envoy";

    static final String NGINX_URI = "X-Original-URI";
    static final String TRAEFIK_URI = "X-Forwarded-Uri";

    private OriginalRequest() {
    }

    /** Why a request could not be read: the answer is 403, with this message. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The normalised path the gateway asks about.
     *
     * @param gateway    the realm's setting
     * @param headers    request header lookup (null when absent or blank)
     * @param rawSuffix  what follows forward-auth's own path, still percent-encoded (Envoy's original path)
     */
    static String path(String gateway, Function<String, String> headers, String rawSuffix) {
        String envoy = rawSuffix == null || rawSuffix.isEmpty() ? null : "/" + rawSuffix;
        return switch (gateway) {
            case NGINX -> normalisedPath(required(headers.apply(NGINX_URI), NGINX_URI));
            case TRAEFIK -> normalisedPath(required(headers.apply(TRAEFIK_URI), TRAEFIK_URI));
            case ENVOY -> normalisedPath(envoy == null ? "/" : envoy);
            default -> agreed(headers.apply(NGINX_URI), headers.apply(TRAEFIK_URI), envoy); // normalised there
        };
    }

    private static String required(String value, String header) {
        if (value == null) {
            throw new Refused("The gateway did not send " + header);
        }
        return value;
    }

    /** Auto mode: the one path all sources name, "/" when none does; two different paths are a forgery. */
    private static String agreed(String... candidates) {
        Set<String> paths = new LinkedHashSet<>();
        for (String c : candidates) {
            if (c != null) {
                paths.add(normalisedPath(c));
            }
        }
        if (paths.size() > 1) {
            throw new Refused("The request names more than one original path");
        }
        return paths.isEmpty() ? "/" : paths.iterator().next();
    }

    /**
     * The path of a request URI as upstreams will route it: query and fragment dropped, {@code ;parameters} cut
     * from every segment (servlet containers, Spring and many routers serve {@code /admin;x/users} as
     * {@code /admin/users}), percent-decoded exactly once, empty segments dropped ({@code //} is {@code /}, as nginx's
     * default {@code merge_slashes}, servlet containers and Spring read it) and with them a trailing slash (routers
     * serve {@code /admin/} as {@code /admin}). Refused (403) when it is longer than
     * {@link InputLimits#MAX_PATH_LENGTH}, does not start with {@code /}, holds a {@code .} or {@code ..} segment,
     * plain or encoded (upstreams resolve them differently, or not at all, and a gateway that resolved them would not ask
     * with them), or holds what upstreams disagree about: encoded slashes, backslashes or semicolons, control
     * characters, percent-escapes that are not valid UTF-8, or a sequence that a second decoding would change. Every
     * step is one pass over the path.
     */
    static String normalisedPath(String uri) {
        int end = 0;
        int scan = Math.min(uri.length(), InputLimits.MAX_PATH_LENGTH + 1);
        while (end < scan && uri.charAt(end) != '?' && uri.charAt(end) != '#') {
            end++;
        }
        if (end > InputLimits.MAX_PATH_LENGTH) {
            throw new Refused("The request path is longer than " + InputLimits.MAX_PATH_LENGTH + " characters");
        }
        if (end == 0 || uri.charAt(0) != '/') {
            throw new Refused("The request path must start with /");
        }
        StringBuilder path = new StringBuilder(end);
        int start = 1;
        for (int i = 1; i <= end; i++) {
            if (i == end || uri.charAt(i) == '/') {
                String segment = segment(uri, start, i);
                if (!segment.isEmpty()) {
                    path.append('/').append(segment);
                }
                start = i + 1;
            }
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    /** One raw segment, {@code uri[from, to)}, without its {@code ;parameters}, decoded and checked. */
    private static String segment(String uri, int from, int to) {
        int cut = from;
        while (cut < to && uri.charAt(cut) != ';') {
            cut++;
        }
        String segment = decoded(uri, from, cut);
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || c == ';' || c < 0x20 || c == 0x7f
                || c == '%' && i + 2 < segment.length() && hex(segment.charAt(i + 1)) >= 0
                    && hex(segment.charAt(i + 2)) >= 0) {
                throw invalid();
            }
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new Refused("The request path holds a . or .. segment");
        }
        return segment;
    }

    /** {@code uri[from, to)} percent-decoded once, runs of escapes as strict UTF-8; {@code +} stays a plus. */
    private static String decoded(String uri, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            if (uri.charAt(i) != '%') {
                out.append(uri.charAt(i++));
                continue;
            }
            ByteBuffer bytes = ByteBuffer.allocate((to - i) / 3 + 1);
            while (i < to && uri.charAt(i) == '%') {
                int high = i + 2 < to ? hex(uri.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(uri.charAt(i + 2));
                if (low < 0) {
                    throw invalid();
                }
                bytes.put((byte) (high << 4 | low));
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder().decode(bytes.flip()));
            } catch (CharacterCodingException e) {
                throw invalid();
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static Refused invalid() {
        return new Refused("The request path is not valid");
    }
}
