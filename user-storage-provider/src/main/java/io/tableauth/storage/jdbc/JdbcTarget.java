package io.tableauth.storage.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.keycloak.component.ComponentValidationException;

/**
 * The application database an auth config's JDBC URL names, parsed by tableauth itself: the kind of database, its
 * hosts and ports, the database (or H2 file) and the parameters, each checked against {@link DatabaseKind}'s list.
 * The driver never sees the admin's text: it gets {@link #canonicalUrl()}, written from the checked parts, so no
 * difference between tableauth's reading of a URL and the driver's can smuggle a parameter through.
 */
public record JdbcTarget(DatabaseKind kind, String haMode, List<HostPort> hosts, String database, Path file,
                         Map<String, String> parameters) {

    /** One host of a network database. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$.-]{0,62}");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern H2_PATH = Pattern.compile("[A-Za-z0-9_./-]{1,1024}");
    private static final Set<String> MARIADB_HA_MODES = Set.of("sequential", "loadbalance", "load-balance-read",
        "replication");

    /**
     * Parses and checks a JDBC URL.
     *
     * @throws ComponentValidationException with a message key for the admin console when the URL is not one tableauth
     *                                      accepts, naming the part at fault
     */
    public static JdbcTarget parse(String url) {
        String u = url == null ? "" : url.trim();
        if (u.startsWith("jdbc:postgresql:")) {
            return network(DatabaseKind.POSTGRESQL, null, u.substring("jdbc:postgresql:".length()));
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            String rest = u.substring(u.indexOf(':', 5) + 1);
            String haMode = null;
            if (!rest.startsWith("//")) {
                int colon = rest.indexOf(':');
                haMode = colon < 0 ? "" : rest.substring(0, colon).toLowerCase(Locale.ROOT);
                if (!MARIADB_HA_MODES.contains(haMode)) {
                    throw form(DatabaseKind.MARIADB);
                }
                rest = rest.substring(colon + 1);
            }
            return network(DatabaseKind.MARIADB, haMode, rest);
        }
        if (u.startsWith("jdbc:h2:")) {
            return h2(u.substring("jdbc:h2:".length()));
        }
        throw new ComponentValidationException("tableauthJdbcUnsupported");
    }

    private static JdbcTarget network(DatabaseKind kind, String haMode, String rest) {
        if (!rest.startsWith("//")) {
            throw form(kind);
        }
        rest = rest.substring(2);
        int q = rest.indexOf('?');
        String server = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        int slash = server.indexOf('/');
        if (slash <= 0) {
            throw form(kind);
        }
        String database = server.substring(slash + 1);
        if (kind == DatabaseKind.POSTGRESQL) {
            database = decode(database, kind); // the PostgreSQL driver percent-decodes the name
        }
        if (!DATABASE.matcher(database).matches()) {
            throw new ComponentValidationException("tableauthJdbcDatabaseName", quoted(database));
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String address : server.substring(0, slash).split(",", -1)) {
            hosts.add(hostPort(kind, address));
        }
        Map<String, String> parameters = parameters(kind, query, "&", kind == DatabaseKind.POSTGRESQL);
        return new JdbcTarget(kind, haMode, List.copyOf(hosts), database, null, parameters);
    }

    private static HostPort hostPort(DatabaseKind kind, String address) {
        String host = address;
        int port = kind.defaultPort();
        int close = address.lastIndexOf(']');
        int colon = address.lastIndexOf(':');
        if (colon > close) {
            host = address.substring(0, colon);
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (!(HOST.matcher(host).matches() || IPV6.matcher(host).matches()) || port < 1 || port > 65535) {
            throw new ComponentValidationException("tableauthJdbcHost", quoted(address));
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    private static JdbcTarget h2(String rest) {
        String[] parts = rest.split(";", -1);
        String location = parts[0];
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        if (location.startsWith("mem:")) {
            throw new ComponentValidationException("tableauthH2Memory");
        }
        if (!(location.startsWith("/") || location.startsWith("./")) || !H2_PATH.matcher(location).matches()) {
            throw form(DatabaseKind.H2);
        }
        Path file = Path.of(location).toAbsolutePath().normalize();
        String query = String.join(";", java.util.Arrays.asList(parts).subList(1, parts.length));
        return new JdbcTarget(DatabaseKind.H2, null, List.of(), null, file,
            parameters(DatabaseKind.H2, query, ";", false));
    }

    private static Map<String, String> parameters(DatabaseKind kind, String query, String separator, boolean decode) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String token : query.split(Pattern.quote(separator), -1)) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String name = eq < 0 ? token : token.substring(0, eq);
            String raw = eq < 0 ? "" : token.substring(eq + 1);
            if (kind.forbidden(name)) {
                throw new ComponentValidationException("tableauthJdbcParameterForbidden", quoted(name));
            }
            if (kind.timeout(name)) {
                throw new ComponentValidationException("tableauthJdbcParameterIsSetting", quoted(name));
            }
            UrlParameter allowed = PARAMETER_NAME.matcher(name).matches() ? kind.allowed(name) : null;
            if (allowed == null) {
                throw new ComponentValidationException("tableauthJdbcParameterNotAllowed", quoted(name), kind.scheme(),
                    kind.allowedNames());
            }
            String value = allowed.normalise(decode ? decode(raw, kind) : raw);
            if (value == null) {
                throw new ComponentValidationException("tableauthJdbcParameterValue", quoted(allowed.name()),
                    allowed.expected());
            }
            if (parameters.put(allowed.name(), value) != null) {
                throw new ComponentValidationException("tableauthJdbcParameterTwice", quoted(allowed.name()));
            }
        }
        return Map.copyOf(parameters);
    }

    private static String decode(String value, DatabaseKind kind) {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw form(kind);
        }
    }

    /**
     * A name from the URL as a message parameter, in quotes: Keycloak's admin console looks every message parameter up
     * as a message key of its own (a parameter named credentialType would read "Type").
     */
    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private static ComponentValidationException form(DatabaseKind kind) {
        return new ComponentValidationException("tableauthJdbcUrlForm", kind.example());
    }

    /** The one URL the driver gets: only the checked parts, in a fixed order. */
    public String canonicalUrl() {
        return switch (kind) {
            case POSTGRESQL -> "jdbc:postgresql://" + hostList() + "/" + database + query("?", "&", true);
            // LOAD DATA LOCAL lets a hostile server read Keycloak's files: always off, whatever the driver defaults.
            case MARIADB -> "jdbc:mariadb:" + (haMode == null ? "" : haMode + ":") + "//" + hostList() + "/" + database
                + "?" + parametersExcept("permitMysqlScheme").map(e -> e.getKey() + "=" + e.getValue())
                    .map(s -> s + "&").collect(Collectors.joining()) + "allowLocalInfile=false";
            case H2 -> "jdbc:h2:file:" + file + query(";", ";", false);
        };
    }

    /** Where the database is, without parameters: {@code postgresql://db:5432/app}, {@code h2:file:/data/app}. */
    public String describe() {
        return kind == DatabaseKind.H2 ? "h2:file:" + file : kind.scheme() + "://" + hostList() + "/" + database;
    }

    private String hostList() {
        return hosts.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }

    private String query(String start, String separator, boolean encode) {
        if (parameters.isEmpty()) {
            return "";
        }
        return parameters.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + (encode
                ? URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20") : e.getValue()))
            .collect(Collectors.joining(separator, start, ""));
    }

    private java.util.stream.Stream<Map.Entry<String, String>> parametersExcept(String name) {
        return parameters.entrySet().stream().filter(e -> !e.getKey().equals(name)).sorted(Map.Entry.comparingByKey());
    }
}
