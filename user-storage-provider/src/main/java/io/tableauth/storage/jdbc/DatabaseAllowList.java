package io.tableauth.storage.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.keycloak.component.ComponentValidationException;

/**
 * The server operator's word on which databases auth configs may reach, from the {@code tableauth-sql} provider's
 * options ({@code --spi-storage--tableauth-sql--allowed-jdbc-urls}, {@code --spi-storage--tableauth-sql--allow-h2}).
 * A realm admin's URL passes only what this allows. Without patterns every PostgreSQL and MariaDB server may be
 * named (as Keycloak lets realm admins name any LDAP server); H2 files only when the operator switched them on.
 */
public final class DatabaseAllowList {

    /** Config option (kebab case, as {@code kc.sh} takes it) of the URL patterns. */
    public static final String OPTION_ALLOWED_JDBC_URLS = "allowed-jdbc-urls";
    /** Config option that lets auth configs open H2 files. */
    public static final String OPTION_ALLOW_H2 = "allow-h2";
    /** How the option is spelt on {@code kc.sh}, for messages. */
    public static final String CLI_PREFIX = "--spi-storage--tableauth-sql--";

    private final List<UrlPattern> patterns;
    private final boolean allowH2;

    private DatabaseAllowList(List<UrlPattern> patterns, boolean allowH2) {
        this.patterns = patterns;
        this.allowH2 = allowH2;
    }

    /**
     * Reads the operator's patterns, for example {@code postgresql://db.internal:5432/*},
     * {@code mariadb://*.tenants.internal/{realm}_app} or {@code h2:file:/opt/keycloak/data/apps/*}.
     *
     * @throws IllegalArgumentException naming the pattern that cannot be read, so the server refuses to start
     */
    public static DatabaseAllowList of(List<String> patterns, boolean allowH2) {
        List<UrlPattern> parsed = new ArrayList<>();
        for (String p : patterns == null ? List.<String>of() : patterns) {
            if (p != null && !p.isBlank()) {
                parsed.add(UrlPattern.parse(p.trim()));
            }
        }
        return new DatabaseAllowList(List.copyOf(parsed), allowH2);
    }

    /** Everything a server without options allows. */
    public static DatabaseAllowList defaults() {
        return new DatabaseAllowList(List.of(), false);
    }

    public boolean restricted() {
        return !patterns.isEmpty();
    }

    public boolean allowsH2() {
        return allowH2;
    }

    /**
     * Refuses a database the operator did not allow for this realm.
     *
     * @throws ComponentValidationException naming the database and the option the operator must set
     */
    public void check(JdbcTarget target, String realmName) {
        if (target.kind() == DatabaseKind.H2 && !allowH2) {
            throw new ComponentValidationException("tableauthH2NotAllowed", CLI_PREFIX + OPTION_ALLOW_H2 + "=true");
        }
        if (patterns.isEmpty()) {
            return;
        }
        boolean allowed = target.kind() == DatabaseKind.H2
            ? patterns.stream().anyMatch(p -> p.matchesFile(target.file().toString(), realmName))
            : target.hosts().stream().allMatch(h -> patterns.stream()
                .anyMatch(p -> p.matches(target.kind(), h, target.database(), realmName)));
        if (!allowed) {
            throw new ComponentValidationException("tableauthJdbcTargetNotAllowed", target.describe(),
                CLI_PREFIX + OPTION_ALLOWED_JDBC_URLS);
        }
    }

    @Override
    public String toString() {
        return (patterns.isEmpty() ? "any PostgreSQL or MariaDB server" : patterns.toString())
            + (allowH2 ? ", H2 files" : ", no H2");
    }

    /** One operator pattern: {@code scheme://host[:port]/database} or {@code h2:file:/path}, with {@code *} globs. */
    record UrlPattern(String text, DatabaseKind kind, String host, String port, String database, String path) {

        static UrlPattern parse(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("h2:file:")) {
                String path = text.substring("h2:file:".length());
                if (!path.startsWith("/")) {
                    throw bad(text, "an H2 pattern names an absolute path: h2:file:/opt/keycloak/data/apps/*");
                }
                return new UrlPattern(text, DatabaseKind.H2, null, null, null, path);
            }
            int sep = text.indexOf("://");
            if (sep < 0) {
                throw bad(text, "write scheme://host:port/database, e.g. postgresql://db.internal:5432/*");
            }
            DatabaseKind kind = switch (lower.substring(0, sep)) {
                case "postgresql" -> DatabaseKind.POSTGRESQL;
                case "mariadb", "mysql" -> DatabaseKind.MARIADB;
                default -> throw bad(text, "the scheme is postgresql, mariadb, mysql or h2:file");
            };
            String rest = text.substring(sep + 3);
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw bad(text, "name a host and a database (* for any)");
            }
            String address = rest.substring(0, slash);
            String host = address;
            String port = Integer.toString(kind.defaultPort());
            int close = address.lastIndexOf(']');
            int colon = address.lastIndexOf(':');
            if (colon > close) {
                host = address.substring(0, colon);
                port = address.substring(colon + 1);
                if (!port.equals("*") && !port.matches("[0-9]{1,5}")) {
                    throw bad(text, "the port is a number or *");
                }
            }
            return new UrlPattern(text, kind, host.toLowerCase(Locale.ROOT), port, rest.substring(slash + 1), null);
        }

        boolean matches(DatabaseKind targetKind, JdbcTarget.HostPort target, String targetDatabase, String realm) {
            return kind == targetKind
                && glob(host, realm, false).matcher(target.host()).matches()
                && (port.equals("*") || Integer.parseInt(port) == target.port())
                && glob(database, realm, false, true).matcher(targetDatabase).matches();
        }

        boolean matchesFile(String file, String realm) {
            return kind == DatabaseKind.H2 && glob(path, realm, true, true).matcher(file).matches();
        }

        private static Pattern glob(String glob, String realm, boolean path) {
            return glob(glob, realm, path, false);
        }

        /**
         * {@code *} is any run of characters ({@code **} in paths, where {@code *} stays within one folder);
         * {@code {realm}} is the realm's name. Host names compare ignoring case, databases and files exactly.
         */
        private static Pattern glob(String glob, String realm, boolean path, boolean exactCase) {
            StringBuilder regex = new StringBuilder();
            String g = glob.replace("{realm}", "\u0000");
            for (int i = 0; i < g.length(); i++) {
                char c = g.charAt(i);
                if (c == '\u0000') {
                    regex.append(Pattern.quote(realm == null ? "" : realm));
                } else if (c == '*' && path && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else if (c == '*') {
                    regex.append(path ? "[^/]*" : ".*");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), exactCase ? 0 : Pattern.CASE_INSENSITIVE);
        }

        private static IllegalArgumentException bad(String text, String why) {
            return new IllegalArgumentException("tableauth: cannot read the allowed JDBC URL pattern \"" + text
                + "\" of " + CLI_PREFIX + OPTION_ALLOWED_JDBC_URLS + ": " + why);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
