package io.tableauth.storage.jdbc;

import static io.tableauth.storage.jdbc.UrlParameter.bool;
import static io.tableauth.storage.jdbc.UrlParameter.choice;
import static io.tableauth.storage.jdbc.UrlParameter.integer;
import static io.tableauth.storage.jdbc.UrlParameter.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The databases an auth config may name, each with the URL parameters a realm admin may set on it. Everything else
 * is refused when the config is saved. The parameters that load classes, open local files or sockets, run SQL of
 * the URL's choosing or carry a credential are named apart, so the message says why they can never be allowed.
 */
public enum DatabaseKind {

    POSTGRESQL("postgresql", 5432, true, "jdbc:postgresql://host:5432/database",
        List.of(
            bool("ssl"),
            choice("sslmode", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
            choice("sslNegotiation", "postgres", "direct"),
            integer("cancelSignalTimeout", 0, 3600),
            bool("tcpKeepAlive"),
            bool("tcpNoDelay"),
            text("ApplicationName"),
            text("currentSchema"),
            choice("targetServerType", "any", "primary", "master", "secondary", "slave", "preferSecondary",
                "preferSlave", "preferPrimary"),
            bool("loadBalanceHosts"),
            integer("hostRecheckSeconds", 0, 86400),
            bool("readOnly"),
            choice("readOnlyMode", "ignore", "transaction", "always"),
            integer("prepareThreshold", -1, 1_000_000),
            integer("preparedStatementCacheQueries", 0, 1_000_000),
            integer("preparedStatementCacheSizeMiB", 0, 1024),
            integer("defaultRowFetchSize", 0, 1_000_000),
            choice("stringtype", "unspecified", "varchar"),
            text("assumeMinServerVersion"),
            bool("reWriteBatchedInserts"),
            choice("gssEncMode", "disable", "allow", "prefer", "require"),
            choice("channelBinding", "disable", "prefer", "require"),
            bool("binaryTransfer"),
            choice("autosave", "always", "never", "conservative")),
        Set.of("socketFactory", "socketFactoryArg", "sslfactory", "sslfactoryarg", "sslhostnameverifier",
            "sslpasswordcallback", "authenticationPluginClassName", "sslcert", "sslkey", "sslrootcert", "sslpassword",
            "loggerFile", "loggerLevel", "service", "xmlFactoryFactory", "user", "password", "jaasLogin",
            "jaasApplicationName", "kerberosServerName", "gsslib", "sspiServiceClass", "useSpnego",
            "gssUseDefaultCreds", "localSocketAddress", "options", "replication", "pemKeyAlgorithm")),

    MARIADB("mariadb", 3306, false, "jdbc:mariadb://host:3306/database",
        List.of(
            choice("sslMode", "disable", "trust", "verify-ca", "verify-full"),
            bool("tcpKeepAlive"),
            bool("tcpAbortiveClose"),
            bool("useCompression"),
            bool("allowPublicKeyRetrieval"),
            text("enabledSslProtocolSuites"),
            text("enabledSslCipherSuites"),
            bool("tinyInt1isBit"),
            bool("yearIsDateType"),
            bool("useServerPrepStmts"),
            bool("cachePrepStmts"),
            integer("prepStmtCacheSize", 0, 100_000),
            text("connectionTimeZone"),
            bool("forceConnectionTimeZoneToSession"),
            bool("preserveInstants"),
            text("timezone"),
            text("restrictedAuth"),
            integer("defaultFetchSize", 0, 1_000_000),
            text("connectionCollation"),
            bool("permitMysqlScheme")),
        Set.of("allowLocalInfile", "socketFactory", "localSocket", "pipe", "credentialType", "serverSslCert",
            "keyStore", "keyStorePassword", "keyStoreType", "trustStore", "trustStorePassword", "trustStoreType",
            "serverRsaPublicKeyFile", "tlsSocketType", "user", "password", "allowMultiQueries", "initSql",
            "createDatabaseIfNotExist", "pool", "registerJmxPool", "servicePrincipalName", "jaasApplicationName",
            "localSocketAddress", "sessionVariables", "fallbackToSystemKeyStore", "fallbackToSystemTrustStore",
            "clientCertificateKeyStoreUrl", "clientCertificateKeyStorePassword", "clientCertificateKeyStoreType",
            "trustCertificateKeyStoreUrl", "trustCertificateKeyStorePassword", "trustCertificateKeyStoreType",
            "allowLoadLocalInfile", "autoDeserialize", "galeraAllowedState", "transactionReplay")),

    H2("h2", -1, false, "jdbc:h2:file:/path/to/database",
        List.of(
            text("MODE"),
            bool("DATABASE_TO_LOWER"),
            bool("DATABASE_TO_UPPER"),
            bool("CASE_INSENSITIVE_IDENTIFIERS"),
            bool("IGNORECASE"),
            integer("DB_CLOSE_DELAY", -1, 86400),
            bool("DB_CLOSE_ON_EXIT"),
            bool("IFEXISTS"),
            choice("ACCESS_MODE_DATA", "r", "rw"),
            integer("LOCK_TIMEOUT", 0, 3_600_000),
            bool("AUTO_SERVER"),
            text("NON_KEYWORDS"),
            choice("DEFAULT_NULL_ORDERING", "LOW", "HIGH", "FIRST", "LAST")),
        Set.of("INIT", "USER", "PASSWORD", "AUTO_SERVER_PORT", "FILE_LOCK", "CIPHER", "RECOVER", "TRACE_LEVEL_FILE",
            "TRACE_LEVEL_SYSTEM_OUT", "JMX", "OPEN_NEW", "FORBID_CREATION", "SCOPE_GENERATED_KEYS", "JAVA_OBJECT_SERIALIZER",
            "AUTHREALM", "AUTHZPWD", "CREDENTIALS_VALIDATOR", "USER_TO_ROLES_MAPPER"));

    private final String scheme;
    private final int defaultPort;
    private final boolean caseSensitiveParameters;
    private final String example;
    private final Map<String, UrlParameter> allowed = new LinkedHashMap<>();
    private final Set<String> forbidden;

    DatabaseKind(String scheme, int defaultPort, boolean caseSensitiveParameters, String example,
                 List<UrlParameter> allowed, Set<String> forbidden) {
        this.scheme = scheme;
        this.defaultPort = defaultPort;
        this.caseSensitiveParameters = caseSensitiveParameters;
        this.example = example;
        allowed.forEach(p -> this.allowed.put(key(p.name()), p));
        this.forbidden = forbidden;
    }

    /** The scheme in tableauth's own notation (and the operator's patterns): postgresql, mariadb, h2. */
    public String scheme() {
        return scheme;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** The form the JDBC URL must have, for messages. */
    String example() {
        return example;
    }

    /** The allowed parameter of this name, or null. Names compare as the driver compares them. */
    UrlParameter allowed(String name) {
        return allowed.get(key(name));
    }

    /** Whether this name is a parameter that can never be allowed (code, files, sockets, SQL, credentials). */
    boolean forbidden(String name) {
        // Compared loosely on purpose: a spelling the driver might not take is still refused with the reason.
        return forbidden.stream().anyMatch(f -> f.equalsIgnoreCase(name));
    }

    /** Whether this name is a driver timeout, which the auth config's own timeout fields set. */
    boolean timeout(String name) {
        return this != H2 && (name.equalsIgnoreCase("connectTimeout") || name.equalsIgnoreCase("socketTimeout")
            || name.equalsIgnoreCase("loginTimeout"));
    }

    /**
     * The driver properties that bound every wait on this database: connecting (TCP and the database's login) and
     * any read on an open connection. H2 files have no network to wait for.
     */
    public Map<String, String> timeoutProperties(int connectSeconds, int readSeconds) {
        return switch (this) {
            case POSTGRESQL -> Map.of("connectTimeout", Integer.toString(connectSeconds),
                "loginTimeout", Integer.toString(connectSeconds), "socketTimeout", Integer.toString(readSeconds),
                "cancelSignalTimeout", Integer.toString(connectSeconds));
            case MARIADB -> Map.of("connectTimeout", Integer.toString(connectSeconds * 1000),
                "socketTimeout", Integer.toString(readSeconds * 1000));
            case H2 -> Map.of();
        };
    }

    /** The names an admin may use, for the refusal message. */
    String allowedNames() {
        return allowed.values().stream().map(UrlParameter::name).collect(Collectors.joining(", "));
    }

    private String key(String name) {
        return caseSensitiveParameters ? name : name.toLowerCase(Locale.ROOT);
    }
}
