package io.tableauth.rest.gateway;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

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

    private static final Pattern ENCODED = Pattern.compile("%[0-9A-Fa-f]{2}");

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
        String raw = switch (gateway) {
            case NGINX -> required(headers.apply(NGINX_URI), NGINX_URI);
            case TRAEFIK -> required(headers.apply(TRAEFIK_URI), TRAEFIK_URI);
            case ENVOY -> envoy == null ? "/" : envoy;
            default -> agreed(headers.apply(NGINX_URI), headers.apply(TRAEFIK_URI), envoy);
        };
        return normalisedPath(raw).orElseThrow(() -> new Refused("The request path is not valid"));
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
                paths.add(normalisedPath(c).orElseThrow(() -> new Refused("The request path is not valid")));
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
     * {@code /admin/users}), percent-decoded exactly once, empty and {@code .} segments removed, {@code ..} resolved.
     * Empty when it climbs above the root, or holds what upstreams disagree about: encoded slashes, backslashes or
     * semicolons, control characters, or a sequence that a second decoding would change.
     */
    static Optional<String> normalisedPath(String uri) {
        String raw = uri;
        int cut = indexOfAny(raw, '?', '#');
        if (cut >= 0) {
            raw = raw.substring(0, cut);
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String rawSegment : raw.split("/", -1)) {
            int semicolon = rawSegment.indexOf(';');
            String undecorated = semicolon < 0 ? rawSegment : rawSegment.substring(0, semicolon);
            String segment;
            try {
                segment = URLDecoder.decode(undecorated.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf(';') >= 0
                || segment.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || ENCODED.matcher(segment).find()) {
                return Optional.empty();
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return Optional.empty();
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        String path = "/" + String.join("/", segments);
        return Optional.of(raw.endsWith("/") && !segments.isEmpty() ? path + "/" : path);
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
