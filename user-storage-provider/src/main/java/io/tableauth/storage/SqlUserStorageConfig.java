package io.tableauth.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.tableauth.storage.hash.HashTarget;
import io.tableauth.storage.hash.PasswordHashFormat;
import io.tableauth.storage.hash.PasswordHasher;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.UserModel;

/**
 * One auth config's settings, read and checked once from its component model. Records give equals/hashCode, so
 * the factory rebuilds a config's connection pool exactly when a setting changes; toString hides the password.
 */
public record SqlUserStorageConfig(
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    SqlIdentifier table,
    SqlIdentifier idColumn,
    List<SqlIdentifier> credentialColumns,
    SqlIdentifier passwordColumn,
    PasswordHashFormat hashFormat,
    boolean allowLegacyHashes,
    SqlIdentifier saltColumn,
    boolean saltPrefix,
    SqlIdentifier emailColumn,
    SqlIdentifier firstNameColumn,
    SqlIdentifier lastNameColumn,
    SqlIdentifier enabledColumn,
    Map<String, SqlIdentifier> attributeColumns,
    boolean writable,
    boolean signupAllowed,
    HashTarget hashTarget,
    int bcryptCost,
    boolean rehashOnLogin,
    boolean caseInsensitiveCredentials,
    int maxPoolSize,
    SqlIdentifier fullNameColumn,
    SqlIdentifier createdAtColumn,
    SqlIdentifier updatedAtColumn,
    SqlIdentifier lastLoginColumn,
    SqlIdentifier emailVerifiedColumn,
    List<String> enabledValues,
    String disabledValue,
    IdGeneration idGeneration,
    Map<String, String> insertDefaults,
    String tablePreset,
    Timeouts timeouts,
    int changeSignalSeconds,
    String appTwoFactor,
    String appEncryptionKey,
    String laravelCachePrefix) {

    /**
     * How long this config waits for its database, in seconds: for a connection (TCP connect and the database's
     * login), for any answer on an open connection (the socket read), and for one statement (cancelled by the
     * database or the driver past it).
     */
    public record Timeouts(int connectSeconds, int readSeconds, int statementSeconds) {

        public static final Timeouts DEFAULT = new Timeouts(2, 5, 3);
    }

    /** How a new row gets its id when tableauth inserts it. */
    public enum IdGeneration {
        /** The database's default or auto-increment; a text or uuid id without one gets a random UUID. */
        DATABASE,
        /** A random UUID, whatever the column's default (Directus). */
        UUID,
        /** A cuid, as Prisma's {@code @default(cuid())} makes it in the application. */
        CUID;

        static IdGeneration of(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** True when the (first) login column is the e-mail column, so a user's username is their e-mail. */
    public boolean usernameIsEmail() {
        return emailColumn != null && !credentialColumns.isEmpty()
            && credentialColumns.get(0).name().equalsIgnoreCase(emailColumn.name());
    }

    public static final String JDBC_URL = "jdbcUrl";
    public static final String DB_USER = "dbUser";
    public static final String DB_PASSWORD = "dbPassword";
    public static final String TABLE = "table";
    public static final String ID_COLUMN = "idColumn";
    public static final String CREDENTIAL_COLUMNS = "credentialColumns";
    public static final String PASSWORD_COLUMN = "passwordColumn";
    public static final String HASH_FORMAT = "hashFormat";
    public static final String ALLOW_LEGACY_HASHES = "allowLegacyHashes";
    public static final String SALT_COLUMN = "saltColumn";
    public static final String SALT_POSITION = "saltPosition";
    public static final String EMAIL_COLUMN = "emailColumn";
    public static final String FIRST_NAME_COLUMN = "firstNameColumn";
    public static final String LAST_NAME_COLUMN = "lastNameColumn";
    public static final String ENABLED_COLUMN = "enabledColumn";
    public static final String ATTRIBUTE_MAPPINGS = "attributeMappings";
    public static final String EDIT_MODE = "editMode";
    public static final String SIGNUP_ALLOWED = "signupAllowed";
    public static final String HASH_TARGET = "hashTarget";
    public static final String BCRYPT_COST = "bcryptCost";
    public static final String REHASH_ON_LOGIN = "rehashOnLogin";
    /** Where the application keeps its users' second factor: {@code none}, {@code django-otp} or {@code fortify}. */
    public static final String APP_TWO_FACTOR = "appTwoFactor";
    public static final String APP_TWO_FACTOR_NONE = "none";
    /** The application's encryption key (Laravel's APP_KEY): a vault reference only, never the key itself. */
    public static final String APP_ENCRYPTION_KEY = "appEncryptionKey";
    /** Laravel's cache prefix (CACHE_PREFIX), for Fortify's used-code memory in the database cache store. */
    public static final String LARAVEL_CACHE_PREFIX = "laravelCachePrefix";
    private static final Pattern VAULT_ONLY = Pattern.compile("\\$\\{vault\\.[A-Za-z0-9_.-]{1,128}}");
    public static final String CREDENTIAL_MATCH = "credentialMatch";
    public static final String MAX_POOL_SIZE = "maxPoolSize";
    /** Seconds between two reads of the updated-at column for rows the application changed; 0: none. */
    public static final String CHANGE_SIGNAL_SECONDS = "changeSignalSeconds";
    static final int DEFAULT_CHANGE_SIGNAL_SECONDS = 2;
    public static final String TABLE_PRESET = "tablePreset";
    public static final String FULL_NAME_COLUMN = "fullNameColumn";
    public static final String CREATED_AT_COLUMN = "createdAtColumn";
    public static final String UPDATED_AT_COLUMN = "updatedAtColumn";
    public static final String LAST_LOGIN_COLUMN = "lastLoginColumn";
    public static final String EMAIL_VERIFIED_COLUMN = "emailVerifiedColumn";
    public static final String ENABLED_VALUES = "enabledValues";
    public static final String DISABLED_VALUE = "disabledValue";
    public static final String ID_GENERATION = "idGeneration";
    public static final String INSERT_DEFAULTS = "insertDefaults";
    public static final String CONNECT_TIMEOUT = "connectTimeout";
    public static final String READ_TIMEOUT = "readTimeout";
    public static final String STATEMENT_TIMEOUT = "statementTimeout";
    /** The longest any of the timeouts may be set to: a login should never wait longer. */
    static final int MAX_TIMEOUT_SECONDS = 60;

    public static final String AUTO = "auto";
    public static final String READ_ONLY = "READ_ONLY";
    public static final String WRITABLE = "WRITABLE";
    public static final String SALT_PREFIX = "prefix";
    public static final String SALT_SUFFIX = "suffix";
    public static final String CASE_INSENSITIVE = "case-insensitive";
    public static final String EXACT = "exact";

    // Defaults apply wherever a config comes from: the console (pre-filled), the admin REST API, a realm import.
    static final String DEFAULT_ID_COLUMN = "id";
    static final String DEFAULT_CREDENTIAL_COLUMNS = "email";
    static final String DEFAULT_PASSWORD_COLUMN = "password";
    static final String DEFAULT_HASH_TARGET = HashTarget.BCRYPT_2Y.id();
    static final int DEFAULT_BCRYPT_COST = 12;
    static final int DEFAULT_MAX_POOL_SIZE = 10;

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,254}");
    /** Keycloak's own user fields: they have their own column settings, so a mapping may not claim them. */
    private static final Set<String> RESERVED_ATTRIBUTES = Set.of(UserModel.USERNAME, UserModel.EMAIL,
        UserModel.FIRST_NAME, UserModel.LAST_NAME, UserModel.ENABLED, UserModel.EMAIL_VERIFIED);

    /** Reads and checks every setting; a bad one raises a message key the admin console shows. */
    public static SqlUserStorageConfig from(ComponentModel model) {
        String jdbcUrl = required(model, JDBC_URL, "JDBC URL");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new ComponentValidationException("tableauthInvalidJdbcUrl");
        }
        List<SqlIdentifier> credentials = new ArrayList<>();
        for (String c : value(model, CREDENTIAL_COLUMNS, DEFAULT_CREDENTIAL_COLUMNS).split(",")) {
            if (!c.isBlank()) {
                credentials.add(SqlIdentifier.column("Credential columns", c));
            }
        }
        String hashFormat = value(model, HASH_FORMAT, AUTO);
        PasswordHashFormat fixedFormat = AUTO.equalsIgnoreCase(hashFormat) ? null : parse(HASH_FORMAT, hashFormat,
            PasswordHashFormat::fromId);
        boolean allowLegacy = model.get(ALLOW_LEGACY_HASHES, false);
        if (fixedFormat != null && fixedFormat.legacy() && !allowLegacy) {
            throw new ComponentValidationException("tableauthLegacyNotAllowed", fixedFormat.id());
        }
        int bcryptCost = parse(BCRYPT_COST, value(model, BCRYPT_COST, Integer.toString(DEFAULT_BCRYPT_COST)),
            Integer::parseInt);
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new ComponentValidationException("tableauthInvalidBcryptCost");
        }
        int maxPoolSize = parse(MAX_POOL_SIZE, value(model, MAX_POOL_SIZE, Integer.toString(DEFAULT_MAX_POOL_SIZE)),
            Integer::parseInt);
        if (maxPoolSize < 1 || maxPoolSize > 200) {
            throw new ComponentValidationException("tableauthInvalidPoolSize");
        }
        int changeSignalSeconds = parse(CHANGE_SIGNAL_SECONDS, value(model, CHANGE_SIGNAL_SECONDS,
            Integer.toString(DEFAULT_CHANGE_SIGNAL_SECONDS)), Integer::parseInt);
        if (changeSignalSeconds < 0 || changeSignalSeconds > 3600) {
            throw new ComponentValidationException("tableauthInvalidChangeSignal");
        }
        String editMode = value(model, EDIT_MODE, READ_ONLY).toUpperCase(Locale.ROOT);
        if (!editMode.equals(READ_ONLY) && !editMode.equals(WRITABLE)) {
            throw new ComponentValidationException("tableauthInvalidEditMode");
        }
        String saltPosition = value(model, SALT_POSITION, SALT_PREFIX);
        String appTwoFactor = appTwoFactor(value(model, APP_TWO_FACTOR, APP_TWO_FACTOR_NONE));
        String appEncryptionKey = value(model, APP_ENCRYPTION_KEY, null);
        if (appEncryptionKey != null && !VAULT_ONLY.matcher(appEncryptionKey.trim()).matches()) {
            throw new ComponentValidationException("tableauthAppKeyVaultOnly");
        }
        if (io.tableauth.storage.twofactor.Fortify.FORMAT.equals(appTwoFactor) && appEncryptionKey == null) {
            throw new ComponentValidationException("tableauthAppKeyRequired");
        }
        return new SqlUserStorageConfig(
            jdbcUrl,
            value(model, DB_USER, null),
            DatabasePassword.unwrap(model.get(DB_PASSWORD)),
            SqlIdentifier.table("Table", required(model, TABLE, "Table")),
            SqlIdentifier.column("ID column", value(model, ID_COLUMN, DEFAULT_ID_COLUMN)),
            List.copyOf(credentials),
            SqlIdentifier.column("Password column", value(model, PASSWORD_COLUMN, DEFAULT_PASSWORD_COLUMN)),
            fixedFormat,
            allowLegacy,
            optionalColumn(model, SALT_COLUMN, "Salt column"),
            !SALT_SUFFIX.equalsIgnoreCase(saltPosition),
            optionalColumn(model, EMAIL_COLUMN, "Email column"),
            optionalColumn(model, FIRST_NAME_COLUMN, "First name column"),
            optionalColumn(model, LAST_NAME_COLUMN, "Last name column"),
            optionalColumn(model, ENABLED_COLUMN, "Enabled column"),
            attributeMappings(model.getConfig().getList(ATTRIBUTE_MAPPINGS)),
            editMode.equals(WRITABLE),
            model.get(SIGNUP_ALLOWED, false),
            parse(HASH_TARGET, value(model, HASH_TARGET, DEFAULT_HASH_TARGET), HashTarget::fromId),
            bcryptCost,
            model.get(REHASH_ON_LOGIN, true),
            !EXACT.equalsIgnoreCase(value(model, CREDENTIAL_MATCH, CASE_INSENSITIVE)),
            maxPoolSize,
            optionalColumn(model, FULL_NAME_COLUMN, "Full name column"),
            optionalColumn(model, CREATED_AT_COLUMN, "Created-at column"),
            optionalColumn(model, UPDATED_AT_COLUMN, "Updated-at column"),
            optionalColumn(model, LAST_LOGIN_COLUMN, "Last-login column"),
            optionalColumn(model, EMAIL_VERIFIED_COLUMN, "Email-verified column"),
            model.getConfig().getList(ENABLED_VALUES).stream().filter(java.util.Objects::nonNull)
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::trim).filter(v -> !v.isEmpty())
                .distinct().toList(),
            value(model, DISABLED_VALUE, null),
            parse(ID_GENERATION, value(model, ID_GENERATION, "database"), IdGeneration::of),
            insertDefaults(model.getConfig().getList(INSERT_DEFAULTS)),
            value(model, TABLE_PRESET, TablePreset.CUSTOM.id()),
            new Timeouts(seconds(model, CONNECT_TIMEOUT, "Connect timeout", Timeouts.DEFAULT.connectSeconds()),
                seconds(model, READ_TIMEOUT, "Read timeout", Timeouts.DEFAULT.readSeconds()),
                seconds(model, STATEMENT_TIMEOUT, "Statement timeout", Timeouts.DEFAULT.statementSeconds())),
            changeSignalSeconds,
            appTwoFactor,
            appEncryptionKey,
            model.get(LARAVEL_CACHE_PREFIX) == null ? "" : model.get(LARAVEL_CACHE_PREFIX).trim());
    }

    private static String appTwoFactor(String value) {
        String format = value.trim().toLowerCase(Locale.ROOT);
        if (!format.equals(APP_TWO_FACTOR_NONE) && !format.equals(io.tableauth.storage.twofactor.DjangoOtp.FORMAT)
            && !format.equals(io.tableauth.storage.twofactor.Fortify.FORMAT)) {
            throw new ComponentValidationException("tableauthInvalidAppTwoFactor", value);
        }
        return format;
    }

    /** Whether the application's own second factor (django-otp's devices) is read for this config's users. */
    public boolean djangoOtp() {
        return io.tableauth.storage.twofactor.DjangoOtp.FORMAT.equals(appTwoFactor);
    }

    /** Whether Laravel Fortify's columns of the users table are read for this config's users. */
    public boolean fortify() {
        return io.tableauth.storage.twofactor.Fortify.FORMAT.equals(appTwoFactor);
    }

    /** Whether the application's own second factor is read at all. */
    public boolean appSecondFactor() {
        return djangoOtp() || fortify();
    }

    /** {@code column=value} lines → column name → value (typed by the column when a row is inserted). */
    static Map<String, String> insertDefaults(List<String> lines) {
        Map<String, String> map = new LinkedHashMap<>();
        columnLines(lines, "Insert defaults", "tableauthInvalidInsertDefault", (column, value) -> {
            if (map.put(column.name(), value) != null) {
                throw new ComponentValidationException("tableauthDuplicateInsertDefault", column.name());
            }
        });
        return java.util.Collections.unmodifiableMap(map);
    }

    /** {@code column=attribute} lines → attribute name → column, in the order given. */
    static Map<String, SqlIdentifier> attributeMappings(List<String> lines) {
        Map<String, SqlIdentifier> map = new LinkedHashMap<>();
        columnLines(lines, "Attribute mappings", "tableauthInvalidMapping", (column, attribute) -> {
            if (!ATTRIBUTE_NAME.matcher(attribute).matches() || RESERVED_ATTRIBUTES.contains(attribute)) {
                throw new ComponentValidationException("tableauthInvalidAttributeName", attribute);
            }
            if (map.put(attribute, column) != null) {
                throw new ComponentValidationException("tableauthDuplicateAttribute", attribute);
            }
        });
        return Map.copyOf(map);
    }

    /**
     * Each non-blank {@code column=value} line of a multi-line setting: the column checked as an identifier (named
     * by {@code what} in its error), the value trimmed. A line without {@code =} is {@code invalidKey}.
     */
    private static void columnLines(List<String> lines, String what, String invalidKey,
                                    java.util.function.BiConsumer<SqlIdentifier, String> each) {
        for (String line : lines) {
            if (line == null || line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ComponentValidationException(invalidKey, line.trim());
            }
            each.accept(SqlIdentifier.column(what, line.substring(0, eq)), line.substring(eq + 1).trim());
        }
    }

    /** The hasher these settings describe. */
    public PasswordHasher hasher() {
        return new PasswordHasher(hashFormat, allowLegacyHashes, hashTarget, bcryptCost);
    }

    private static int seconds(ComponentModel model, String key, String label, int fallback) {
        String v = value(model, key, Integer.toString(fallback)).trim();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_TIMEOUT_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ComponentValidationException("tableauthInvalidTimeout", "'" + label + "'", MAX_TIMEOUT_SECONDS);
    }

    private static String value(ComponentModel model, String key, String fallback) {
        String v = model.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static String required(ComponentModel model, String key, String label) {
        String v = value(model, key, null);
        if (v == null) {
            throw new ComponentValidationException("tableauthRequired", label);
        }
        return v;
    }

    private static SqlIdentifier optionalColumn(ComponentModel model, String key, String label) {
        String v = value(model, key, null);
        return v == null ? null : SqlIdentifier.column(label, v);
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new ComponentValidationException("tableauthInvalidValue", key, value);
        }
    }

    /** The JDBC URL with any password parameter masked, for logs and messages. */
    public String redactedJdbcUrl() {
        return jdbcUrl.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***");
    }

    @Override
    public String toString() {
        return "SqlUserStorageConfig[" + redactedJdbcUrl() + " user=" + dbUser + " password=" + (dbPassword == null ? "none" : "***")
            + " table=" + table + "]";
    }
}
