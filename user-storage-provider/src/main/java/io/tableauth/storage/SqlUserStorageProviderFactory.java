package io.tableauth.storage;

import static io.tableauth.storage.SqlUserStorageConfig.*;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.tableauth.hook.HookEngine;
import io.tableauth.storage.hash.HashTarget;
import io.tableauth.storage.jdbc.DatabaseAllowList;
import io.tableauth.storage.jdbc.DatabaseFailure;
import io.tableauth.storage.jdbc.JdbcTarget;
import org.keycloak.Config;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.CacheableStorageProviderModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.timer.TimerProvider;
import org.keycloak.vault.VaultStringSecret;

/** Registers the "SQL table" user federation type: one component per auth config (one users table). */
public class SqlUserStorageProviderFactory implements UserStorageProviderFactory<SqlUserStorageProvider> {

    /** Provider type shown under User federation; also the type in realm exports and the admin REST API. */
    public static final String PROVIDER_ID = "tableauth-sql";
    /** Config key of the auth config's login hook (JavaScript, MaskAPI's "Login Configuration" code). */
    public static final String LOGIN_HOOK = "loginHook";
    /** Config key of the auth config's signup hook (MaskAPI's "Signup Configuration" code). */
    public static final String SIGNUP_HOOK = "signupHook";
    /** Config key of the API path patterns only this config's users may call (through the forward-auth endpoint). */
    public static final String PROTECTED_PATHS = "protectedPaths";

    private static final Logger LOG = Logger.getLogger(SqlUserStorageProviderFactory.class);

    /** Provider option: how many hook scripts may run at once on this node. */
    public static final String OPTION_HOOK_MAX_CONCURRENT_RUNS = "hook-max-concurrent-runs";
    /** The operator's cap on how long an auth config may let Keycloak's user cache keep a table user. */
    public static final String OPTION_MAX_CACHE_LIFESPAN_SECONDS = "max-cache-lifespan-seconds";
    static final int DEFAULT_MAX_CACHE_LIFESPAN_SECONDS = 300;
    private volatile long maxCacheLifespanMs = DEFAULT_MAX_CACHE_LIFESPAN_SECONDS * 1000L;
    private static final Pattern VAULT_REFERENCE = Pattern.compile("^\\$\\{vault\\.(.+?)}$");

    /** Live state per auth config (component id) on this node; rebuilt when the settings differ. */
    private final Map<String, SqlAuthConfig> configs = new ConcurrentHashMap<>();
    /** The realm (id) of each config with a runtime on this node, to find the pools a realm's removal leaves. */
    private final Map<String, String> realmOf = new ConcurrentHashMap<>();
    /** Each config's change signal on this node, for configs this node serves. */
    private final Map<String, ChangeSignal> signals = new ConcurrentHashMap<>();
    /** One daemon thread ticks the change signals every second (off Keycloak's shared timer: a read may wait). */
    private volatile java.util.concurrent.ScheduledExecutorService signalTicker;
    /** Configs the last sweep found gone: closed when the next finds them gone too (not one being created). */
    private final java.util.Set<String> goneOnce = ConcurrentHashMap.newKeySet();
    /** How often each node looks for pools of auth configs or realms removed on another node. */
    static final long SWEEP_MILLIS = 10_000;
    /** Seconds between two sweeps for configs removed on another node (operator option; 10 unless set). */
    public static final String OPTION_REMOVED_CONFIG_SWEEP_SECONDS = "removed-config-sweep-seconds";
    private long sweepMillis = SWEEP_MILLIS;
    /** The operator's word on which databases auth configs may reach (kc.sh options of this provider). */
    private volatile DatabaseAllowList allowList = DatabaseAllowList.defaults();

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
        .property().name(TABLE_PRESET).label("Table preset").type(ProviderConfigProperty.LIST_TYPE)
        .options("custom", "laravel", "django", "devise", "prisma", "directus").defaultValue("custom")
        .helpText("The users table of a framework, as its own migrations create it. On save it fills every setting "
            + "below that is empty (or at its generic default): table, columns, timestamps, e-mail verification, "
            + "status values, id generation, insert defaults and the hash format that framework writes. Values you "
            + "type win; the console shows the result after saving.").add()
        .property().name(JDBC_URL).label("JDBC URL").type(ProviderConfigProperty.STRING_TYPE).required(true)
        .helpText("The application database: jdbc:postgresql://db:5432/app or jdbc:mariadb://db:3306/app (MySQL too), "
            + "and jdbc:h2:file:/data/app where the server operator allows H2. Parameters after ? are limited to "
            + "harmless ones (sslmode, ApplicationName, currentSchema...; timeouts have their own fields below); the "
            + "server operator decides which "
            + "databases may be named. Changing the URL or the user needs the password typed again.").add()
        .property().name(DB_USER).label("Database user").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("User tableauth connects as. Read-only configs need SELECT on the table; writable ones also "
            + "INSERT, UPDATE and DELETE.").add()
        .property().name(DB_PASSWORD).label("Database password").type(ProviderConfigProperty.PASSWORD).secret(true)
        .helpText("Stored as a secret: never shown again, never logged, and only ever sent to the database it was "
            + "typed for. ${vault.key} reads it from Keycloak's vault (the realm's key).").add()
        .property().name(TABLE).label("Table").type(ProviderConfigProperty.STRING_TYPE).required(true)
        .helpText("The users table, e.g. users or app.users.").add()
        .property().name(ID_COLUMN).label("ID column").type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_ID_COLUMN)
        .required(true).helpText("Primary key of the table. Keycloak's user id becomes f:<this config's id>:<value>.")
        .add()
        .property().name(CREDENTIAL_COLUMNS).label("Credential columns").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(DEFAULT_CREDENTIAL_COLUMNS).required(true)
        .helpText("Column(s) users log in with, comma-separated (e.g. email or email,username). The first one is the "
            + "Keycloak username.").add()
        .property().name(PASSWORD_COLUMN).label("Password column").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(DEFAULT_PASSWORD_COLUMN).required(true).helpText("Column holding the password hash.").add()
        .property().name(HASH_FORMAT).label("Hash format").type(ProviderConfigProperty.LIST_TYPE)
        .options(AUTO, "bcrypt", "argon2", "django-pbkdf2", "phc-pbkdf2", "scrypt", "md5", "sha1", "sha256",
            "plaintext")
        .defaultValue(AUTO)
        .helpText("auto reads each stored value's format: bcrypt ($2a$/$2b$/$2y$), argon2id/argon2i, Django "
            + "pbkdf2_sha256, PHC pbkdf2, scrypt, and (only with legacy allowed) hex MD5/SHA-1/SHA-256. A fixed "
            + "format accepts only that one. plaintext is never detected automatically.").add()
        .property().name(ALLOW_LEGACY_HASHES).label("Allow legacy hash formats").type(ProviderConfigProperty.BOOLEAN_TYPE)
        .defaultValue("false")
        .helpText("Accept unsalted or salted MD5, SHA-1 and SHA-256 hex digests and plaintext. Turn on only to migrate "
            + "such a table, with rehash on login.").add()
        .property().name(SALT_COLUMN).label("Salt column (legacy)").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("For salted legacy digests: the column holding each row's salt.").add()
        .property().name(SALT_POSITION).label("Salt position (legacy)").type(ProviderConfigProperty.LIST_TYPE)
        .options(SALT_PREFIX, SALT_SUFFIX).defaultValue(SALT_PREFIX)
        .helpText("prefix: digest(salt + password); suffix: digest(password + salt).").add()
        .property().name(EMAIL_COLUMN).label("Email column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: the user's e-mail. Without it, e-mails live in Keycloak only.").add()
        .property().name(FIRST_NAME_COLUMN).label("First name column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional.").add()
        .property().name(LAST_NAME_COLUMN).label("Last name column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional.").add()
        .property().name(ENABLED_COLUMN).label("Enabled column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: a boolean, 0/1 or text column (true/yes/active...). False or NULL disables the user, "
            + "as a disabled Keycloak account.").add()
        .property().name(ENABLED_VALUES).label("Enabled values").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional, for a text status column: the values that mean enabled, comma-separated (Directus: "
            + "active). Every other value (suspended, invited, draft...) is refused like a disabled account. The "
            + "first is written when a user signs up or is enabled.").add()
        .property().name(DISABLED_VALUE).label("Disabled value").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Written into the status column when a user is disabled (Directus: suspended).").add()
        .property().name(FULL_NAME_COLUMN).label("Full name column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: one column for the whole name (Laravel, Prisma: name). Keycloak sees the last word as "
            + "the last name and the words before it as the first name, as its LDAP full-name mapper does; sign-ups "
            + "and edits write the name whole.").add()
        .property().name(EMAIL_VERIFIED_COLUMN).label("Email-verified column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: a boolean, or a timestamp that is set once verified (Laravel email_verified_at, Devise "
            + "confirmed_at, Prisma emailVerified). Read as Keycloak's email verified, written when the user "
            + "verifies.").add()
        .property().name(CREATED_AT_COLUMN).label("Created-at column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: set when tableauth inserts a row, in the column's own type (timestamp, timestamptz, "
            + "datetime, epoch seconds).").add()
        .property().name(UPDATED_AT_COLUMN).label("Updated-at column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: set on every write tableauth makes to a row.").add()
        .property().name(LAST_LOGIN_COLUMN).label("Last-login column").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Optional: set on each successful login (Django last_login, Directus last_access); one UPDATE per "
            + "login, writable configs only.").add()
        .property().name(ID_GENERATION).label("ID generation").type(ProviderConfigProperty.LIST_TYPE)
        .options("database", "uuid", "cuid").defaultValue("database")
        .helpText("How a new row gets its id: the database's default or auto-increment (a text or uuid id without one "
            + "gets a UUID), a UUID (Directus), or a cuid (Prisma's @default(cuid()), made by the application).")
        .add()
        .property().name(INSERT_DEFAULTS).label("Insert defaults").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("One per line, column=value: values for NOT NULL columns the application fills in its own code "
            + "(Django is_staff=false). Typed by the column; 'now' for times. Saving a config that takes sign-ups "
            + "is refused while such a column has neither a mapping nor an insert default.").add()
        .property().name(ATTRIBUTE_MAPPINGS).label("Attribute mappings").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("One per line: column=attribute, e.g. is_active=isActive. The attribute shows on the user, in tokens "
            + "through mappers and in hooks (user.isActive). Show them in the console with the realm's unmanaged "
            + "attributes enabled, or declare them in the user profile.").add()
        .property().name(EDIT_MODE).label("Edit mode").type(ProviderConfigProperty.LIST_TYPE)
        .options(READ_ONLY, WRITABLE).defaultValue(READ_ONLY)
        .helpText("READ_ONLY: the table is never written; changes made in Keycloak to these users are refused. "
            + "WRITABLE: password changes and resets, edits of mapped fields and deletions are written to the table.")
        .add()
        .property().name(SIGNUP_ALLOWED).label("New users go into this table").type(ProviderConfigProperty.BOOLEAN_TYPE)
        .defaultValue("false")
        .helpText("With WRITABLE: users created in Keycloak (admin console, registration page, REST signup) are "
            + "INSERTed here. Off: they are created as Keycloak users.").add()
        .property().name(HASH_TARGET).label("Hash format for new hashes").type(ProviderConfigProperty.LIST_TYPE)
        .options(java.util.Arrays.stream(HashTarget.values()).map(HashTarget::id).toList())
        .defaultValue(DEFAULT_HASH_TARGET)
        .helpText("How tableauth writes passwords (signup, change, rehash), so the application can still verify them: "
            + "bcrypt-2y for PHP/Laravel, bcrypt-2b for Node/Python, bcrypt-2a for Ruby/Devise, argon2id (PHP's "
            + "defaults), argon2id-node (node-argon2's defaults, Directus), django-pbkdf2-sha256 for Django.").add()
        .property().name(BCRYPT_COST).label("bcrypt cost").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(DEFAULT_BCRYPT_COST)).helpText("Cost of bcrypt hashes written (4 to 31).").add()
        .property().name(REHASH_ON_LOGIN).label("Rehash on login").type(ProviderConfigProperty.BOOLEAN_TYPE)
        .defaultValue("true")
        .helpText("With WRITABLE: after a successful login, a legacy hash or one weaker than the format for new "
            + "hashes is rewritten in that format. A failed login never writes.").add()
        .property().name(SqlUserStorageConfig.APP_TWO_FACTOR).label("Application's two-factor data")
        .type(ProviderConfigProperty.LIST_TYPE)
        .options(SqlUserStorageConfig.APP_TWO_FACTOR_NONE, io.tableauth.storage.twofactor.DjangoOtp.FORMAT,
            io.tableauth.storage.twofactor.Fortify.FORMAT)
        .defaultValue(SqlUserStorageConfig.APP_TWO_FACTOR_NONE)
        .helpText("Where the application keeps its users' second factor, so a user who turned it on there must give "
            + "it here too (REST logins, Keycloak's login page and token endpoint, through the realm's conditional OTP "
            + "step). django-otp: confirmed TOTP devices (otp_totp_totpdevice) with their step, digits, tolerance, "
            + "drift and last used step, and backup codes (otp_static_statictoken) as recovery codes, deleted when "
            + "used. The database user needs UPDATE on otp_totp_totpdevice and otp_static_staticdevice and DELETE on "
            + "otp_static_statictoken. Saving checks that the tables are there. fortify: Laravel Fortify's "
            + "two_factor_secret, two_factor_recovery_codes and two_factor_confirmed_at on the users table, decrypted "
            + "with the application's APP_KEY (Application encryption key), a code used once per step as Fortify "
            + "remembers it in Laravel's database cache (the cache table), a used recovery code replaced as Fortify "
            + "replaces it. Saving checks the columns and that the key decrypts the secrets there.").add()
        .property().name(SqlUserStorageConfig.APP_ENCRYPTION_KEY).label("Application encryption key")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("The application's own encryption key, as a reference to Keycloak's vault only: "
            + "${vault.laravel-app-key} reads the vault entry laravel-app-key of this realm (with the file vault, the "
            + "file <realm>_laravel-app-key holding APP_KEY, e.g. base64:...). The key itself is never stored here, "
            + "logged or shown.").add()
        .property().name(SqlUserStorageConfig.LARAVEL_CACHE_PREFIX).label("Laravel cache prefix")
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("With fortify: the application's CACHE_PREFIX (empty in Laravel 11's .env.example; Laravel 12's "
            + "default is laravel-cache-). Fortify remembers used codes under it in the cache table.").add()
        .property().name(CREDENTIAL_MATCH).label("Credential match").type(ProviderConfigProperty.LIST_TYPE)
        .options(CASE_INSENSITIVE, EXACT).defaultValue(CASE_INSENSITIVE)
        .helpText("case-insensitive compares LOWER(column) (on large PostgreSQL tables add an index on lower(email)); "
            + "exact uses the column as stored (plain index).").add()
        .property().name(MAX_POOL_SIZE).label("Maximum pool size").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(DEFAULT_MAX_POOL_SIZE))
        .helpText("Connections this config may hold open to the database on each Keycloak node.").add()
        .property().name(CHANGE_SIGNAL_SECONDS).label("Change signal (seconds)").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(DEFAULT_CHANGE_SIGNAL_SECONDS))
        .helpText("Every this many seconds each Keycloak node asks the table which users it holds in its user cache "
            + "were deleted, and, with an Updated-at column, one node reads the rows whose updated-at moved (one "
            + "query on that column; index it): they are dropped from Keycloak's user cache on every node. A row "
            + "deleted, disabled, or whose password hash the application replaced, ends the user's sessions and "
            + "tokens. 0 turns it off: changes are then seen within the cache lifespan.").add()
        .property().name(CONNECT_TIMEOUT).label("Connect timeout").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(Timeouts.DEFAULT.connectSeconds()))
        .helpText("Seconds a login waits for a connection to the database (TCP connect and the database's login), "
            + "1 to 60. When it fails, this config is marked unavailable on this node: its logins answer 503 at once "
            + "(no waiting) until a background check every 2 seconds finds the database back.").add()
        .property().name(READ_TIMEOUT).label("Read timeout").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(Timeouts.DEFAULT.readSeconds()))
        .helpText("Seconds an open connection waits for the database to answer at all (a frozen server or a network "
            + "partition), 1 to 60. Keep it above the statement timeout.").add()
        .property().name(STATEMENT_TIMEOUT).label("Statement timeout").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(Timeouts.DEFAULT.statementSeconds()))
        .helpText("Seconds one query may run before it is cancelled, 1 to 60. A login runs a few short queries; a "
            + "database slower than this counts as unavailable.").add()
        .property().name(LOGIN_HOOK).label("Login hook").type(ProviderConfigProperty.SCRIPT_TYPE)
        .helpText("JavaScript run for this table's users at every login where the flow has the \"tableauth hook\" "
            + "step (browser, direct grant and so the REST API, reset credentials). It sees `user` (id, username, "
            + "email, enabled, emailVerified, firstName, lastName, authConfig and the mapped attributes). "
            + "`return true` allows; `throw new Error(\"Inactive account\")` denies with that message; anything "
            + "else denies. Empty allows everyone. Example: if (!user.isActive) throw new Error(\"Inactive "
            + "account\"); return true;").add()
        .property().name(SIGNUP_HOOK).label("Signup hook").type(ProviderConfigProperty.SCRIPT_TYPE)
        .helpText("JavaScript run before a user is created in this table, where the registration flow has the "
            + "\"tableauth signup hook\" step (Keycloak's registration page and the REST sign-ups). It sees "
            + "`fields` (the submitted fields, passwords left out) and `user` (the same, shaped as a user); "
            + "same rules as the login hook.").add()
        .property().name(PROTECTED_PATHS).label("Protected API paths").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
        .helpText("Paths of your own API that only this config's users may call, checked by tableauth's forward-auth "
            + "endpoint behind nginx auth_request, Traefik ForwardAuth or Envoy ext_authz. One pattern per line: "
            + "/api/orders/** (the path and everything below it), /api/*/reports (* is one path segment or part of "
            + "one), ? one character; letter case is ignored and /api/x/ matches as /api/x. At most "
            + PathPattern.MAX_LENGTH + " characters and " + PathPattern.MAX_WILDCARDS + " wildcards (* or **) per "
            + "pattern. A token or API key of another config, or of a Keycloak user, gets 403 there. A pattern "
            + "belongs to one auth config only.").add()
        .build();

    @Override
    public void init(Config.Scope config) {
        allowList = DatabaseAllowList.of(options(config.get(DatabaseAllowList.OPTION_ALLOWED_JDBC_URLS)),
            config.getBoolean(DatabaseAllowList.OPTION_ALLOW_H2, false));
        HookEngine.get().maxConcurrentRuns(config.getInt(OPTION_HOOK_MAX_CONCURRENT_RUNS,
            HookEngine.defaultMaxConcurrentRuns()));
        maxCacheLifespanMs = Math.max(1, config.getInt(OPTION_MAX_CACHE_LIFESPAN_SECONDS,
            DEFAULT_MAX_CACHE_LIFESPAN_SECONDS)) * 1000L;
        sweepMillis = Math.max(1, config.getInt(OPTION_REMOVED_CONFIG_SWEEP_SECONDS,
            (int) (SWEEP_MILLIS / 1000))) * 1000L;
        if (allowList.restricted()) {
            LOG.infof("tableauth: auth configs may reach %s", allowList);
        } else {
            LOG.warnf("tableauth: %s%s is not set, so realm admins may point auth configs at any PostgreSQL or "
                    + "MariaDB server this host reaches (%s). On a server shared by several realms' admins, set it.",
                DatabaseAllowList.CLI_PREFIX, DatabaseAllowList.OPTION_ALLOWED_JDBC_URLS, allowList);
        }
    }

    private static List<String> options(String value) {
        return value == null ? List.of() : List.of(value.split("[,\\s]+"));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
            .property().name(DatabaseAllowList.OPTION_ALLOWED_JDBC_URLS).type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Databases auth configs may reach, comma-separated patterns: postgresql://host:port/database, "
                + "mariadb://host:port/database, h2:file:/path; * is a wildcard, {realm} the realm's name. Unset: any "
                + "PostgreSQL or MariaDB server.").add()
            .property().name(DatabaseAllowList.OPTION_ALLOW_H2).type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(false).helpText("Let auth configs open H2 database files (development and demos).").add()
            .property().name(OPTION_MAX_CACHE_LIFESPAN_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(DEFAULT_MAX_CACHE_LIFESPAN_SECONDS)
            .helpText("The longest an auth config may let Keycloak's user cache keep a table user (its Max lifespan "
                + "is cut to this): how stale a token or key use may be after the application changes a row.").add()
            .property().name(OPTION_REMOVED_CONFIG_SWEEP_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue((int) (SWEEP_MILLIS / 1000))
            .helpText("How often a node looks for auth configs removed on another node; it closes a removed "
                + "config's pool when two looks in a row find it gone.").add()
            .property().name(OPTION_HOOK_MAX_CONCURRENT_RUNS).type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(HookEngine.defaultMaxConcurrentRuns())
            .helpText("Login and signup hooks running at once on this node; past it a login is refused at once. "
                + "One realm may hold at most half of them (rounded up).").add()
            .build();
    }

    @Override
    public SqlUserStorageProvider create(KeycloakSession session, ComponentModel model) {
        return new SqlUserStorageProvider(session, new UserStorageProviderModel(model), runtime(session, model));
    }

    /** The live state for a config, rebuilt when its settings differ from the cached one (also after edits on other nodes). */
    SqlAuthConfig runtime(KeycloakSession session, ComponentModel model) {
        SqlAuthConfig cached = configs.get(model.getId());
        if (cached != null && cached.readFrom(model.getConfig())) {
            // the same settings the config was built from: nothing to parse. An edit, here or on another node,
            // changes them and the config is read again below.
            return cached;
        }
        SqlUserStorageConfig config = SqlUserStorageConfig.from(model);
        if (cached != null && cached.config().equals(config)) {
            cached.matches(model.getConfig());
            return cached;
        }
        return configs.compute(model.getId(), (id, current) -> {
            if (current != null && current.config().equals(config)) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            DatabaseConnector connector = connector(session, model, config);
            LOG.debugf("tableauth auth config %s (%s): new connection pool, %s", model.getName(), id, connector);
            RealmModel realm = session.realms().getRealm(model.getParentId());
            SqlAuthConfig built = new SqlAuthConfig(realm == null ? model.getParentId() : realm.getName(),
                model.getName() == null ? id : model.getName(), config, connector);
            built.matches(model.getConfig());
            if (model.getParentId() != null) {
                realmOf.put(id, model.getParentId());
            }
            return built;
        });
    }

    /**
     * Checks the config's database against the operator's options again (they may have changed since it was saved)
     * and resolves its password through the realm's vault. A config that fails gets no pool: its users cannot log in,
     * and the log says why, once per change.
     */
    private DatabaseConnector connector(KeycloakSession session, ComponentModel model, SqlUserStorageConfig config) {
        RealmModel realm = session.realms().getRealm(model.getParentId());
        try {
            JdbcTarget target = JdbcTarget.parse(config.jdbcUrl());
            allowList.check(target, realm == null ? null : realm.getName());
            return DatabaseConnector.of(target, config.dbUser(), resolvePassword(session, realm, config.dbPassword()));
        } catch (ComponentValidationException e) {
            LOG.errorf("tableauth auth config %s: its database is not allowed on this server (%s); its users cannot "
                + "log in until an admin saves it with an allowed JDBC URL", model.getName(), e.getMessage());
            return DatabaseConnector.refused("tableauth: this auth config's database is not allowed on this server");
        }
    }

    /**
     * Fortify's columns are on the users table, and the application's key (from the vault) decrypts the secrets
     * there: of up to 100 rows, how many do not is reported, without showing any.
     */
    private static void checkFortify(KeycloakSession session, RealmModel realm, Connection c, String quotedTable,
                                     SqlUserStorageConfig config) {
        try {
            io.tableauth.storage.twofactor.Fortify.requireColumns(c, quotedTable);
        } catch (SQLException e) {
            throw new ComponentValidationException("tableauthAppTwoFactorTables", "Fortify",
                "two_factor_secret, two_factor_recovery_codes, two_factor_confirmed_at");
        }
        List<byte[]> keys;
        try {
            keys = List.of(io.tableauth.storage.twofactor.LaravelEncrypter.key(
                resolveVault(session, realm, config.appEncryptionKey())));
        } catch (io.tableauth.storage.twofactor.LaravelEncrypter.Refused e) {
            throw new ComponentValidationException("tableauthAppKeyUnusable", e.getMessage());
        }
        int[] sampled;
        try {
            sampled = io.tableauth.storage.twofactor.Fortify.undecryptable(c, quotedTable, keys, 100);
        } catch (SQLException e) {
            throw new ComponentValidationException("tableauthAppTwoFactorTables", "Fortify",
                "two_factor_secret, two_factor_recovery_codes, two_factor_confirmed_at");
        }
        if (sampled[1] > 0) {
            throw new ComponentValidationException("tableauthAppKeyDecrypts", Integer.toString(sampled[1]),
                Integer.toString(sampled[0]));
        }
    }

    /** A {@code ${vault.key}} reference resolved in the realm; a value that is no reference as it is. */
    static String resolveVault(KeycloakSession session, RealmModel realm, String reference) {
        return resolvePassword(session, realm, reference);
    }

    /** A {@code ${vault.key}} password, resolved in the config's realm (Keycloak's vault keeps realms apart). */
    private static String resolvePassword(KeycloakSession session, RealmModel realm, String password) {
        if (password == null || !VAULT_REFERENCE.matcher(password).matches()) {
            return password;
        }
        RealmModel previous = session.getContext().getRealm();
        if (realm != null && previous != realm) {
            session.getContext().setRealm(realm);
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(password)) {
            return secret.get().orElseThrow(() -> new ComponentValidationException("tableauthVaultMissing", password));
        } finally {
            if (realm != null && previous != realm) {
                session.getContext().setRealm(previous);
            }
        }
    }

    /**
     * Whether an auth config's users table can be reached on this node: false while its database is marked
     * unavailable (see {@link DatabaseHealth}), or when a call of this request found it out of reach. A config this
     * node has not used yet counts as available.
     */
    public static boolean available(KeycloakSession session, ComponentModel model) {
        if (SqlUserStorageProvider.unavailableThisRequest(session).contains(model.getId())) {
            return false;
        }
        SqlUserStorageProviderFactory factory = (SqlUserStorageProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(UserStorageProvider.class, PROVIDER_ID);
        SqlAuthConfig runtime = factory == null ? null : factory.configs.get(model.getId());
        return runtime == null || runtime.health().available();
    }

    /**
     * Spends on a password what a wrong password costs for a user of this auth config (one verify against a hash
     * in its format for new passwords). The REST API calls it when a login found no user, so that unknown users
     * and wrong passwords take about the same time.
     */
    public void dummyVerify(KeycloakSession session, ComponentModel model, String password) {
        runtime(session, model).dummyVerify(password);
    }

    /**
     * Checks a config as it is saved (console, admin REST, realm import): its values, the operator's options, the
     * stored-password rule, then a connection to the database and the table and columns there. What the database
     * driver says goes to the server log only; the admin reads which kind of failure it was.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        // A realm import creates components without onCreate: the default cache policy is set here too, or Keycloak
        // would keep an imported config's users without expiry.
        defaultCachePolicy(model);
        for (String hook : List.of(LOGIN_HOOK, SIGNUP_HOOK)) {
            HookEngine.get().syntaxError(model.get(hook)).ifPresent(error -> {
                throw new ComponentValidationException("tableauthHookSyntax",
                    LOGIN_HOOK.equals(hook) ? "Login hook" : "Signup hook", error);
            });
        }
        validateProtectedPaths(realm, model);
        TablePreset preset = TablePreset.of(model.get(SqlUserStorageConfig.TABLE_PRESET));
        preset.fill(model);
        SqlUserStorageConfig config = SqlUserStorageConfig.from(model);
        JdbcTarget target = JdbcTarget.parse(config.jdbcUrl());
        allowList.check(target, realm.getName());
        bindPassword(realm, model, target, config);
        DatabaseConnector connector = DatabaseConnector.of(target, config.dbUser(),
            resolvePassword(session, realm, config.dbPassword()));
        var poolConfig = SqlAuthConfig.poolConfig("validate", connector, 1, config.timeouts());
        poolConfig.setMinimumIdle(0);
        poolConfig.setInitializationFailTimeout(poolConfig.getConnectionTimeout());
        try (HikariDataSource probe = new HikariDataSource(poolConfig); Connection c = probe.getConnection()) {
            if (KeycloakTables.present(c)) {
                throw new ComponentValidationException("tableauthKeycloakDatabase", target.describe());
            }
            UserTable table = UserTable.resolve(c, config);
            if (preset != TablePreset.CUSTOM) {
                preset.fillExisting(model, table.columnNames());
                config = SqlUserStorageConfig.from(model);
                table = UserTable.resolve(c, config);
            }
            if (config.writable() && config.signupAllowed()) {
                table.checkInsertable();
            }
            if (config.fortify()) {
                checkFortify(session, realm, c, table.quotedTable(), config);
            }
            if (config.djangoOtp()) {
                try {
                    io.tableauth.storage.twofactor.DjangoOtp.requireTables(c);
                } catch (SQLException e) {
                    throw new ComponentValidationException("tableauthAppTwoFactorTables", "django-otp",
                        "otp_totp_totpdevice, otp_static_staticdevice, otp_static_statictoken");
                }
            }
        } catch (HikariPool.PoolInitializationException | SQLException e) {
            Throwable cause = e instanceof HikariPool.PoolInitializationException && e.getCause() != null ? e.getCause() : e;
            DatabaseFailure failure = DatabaseFailure.of(cause);
            LOG.warnf("tableauth: auth config %s of realm %s: checking %s failed (%s): %s", model.getName(),
                realm.getName(), target.describe(), failure, cause);
            throw new ComponentValidationException(failure.messageKey(), target.describe());
        }
    }

    /**
     * Keycloak's LDAP rule for stored credentials: when the database or its user changes, the password must be typed
     * again, so the stored one only ever goes to the database it was typed for. A typed password is stored bound to
     * its database and user (see {@link DatabasePassword}).
     */
    private static void bindPassword(RealmModel realm, ComponentModel model, JdbcTarget target,
                                     SqlUserStorageConfig config) {
        String user = config.dbUser();
        String stored = model.get(SqlUserStorageConfig.DB_PASSWORD);
        if (stored == null || stored.isEmpty()) {
            return;
        }
        String destination = target.describe();
        String boundTo = DatabasePassword.boundTo(stored);
        if (boundTo != null) {
            if (!boundTo.equals(DatabasePassword.fingerprint(destination, user))) {
                throw new ComponentValidationException("tableauthDbPasswordRetype");
            }
            return;
        }
        // Typed now, or stored before passwords were bound: a value equal to the old one, kept for a changed
        // database or user, cannot be told from a kept one, so it must be typed again as well.
        ComponentModel old = model.getId() == null ? null : realm.getComponent(model.getId());
        if (old != null && stored.equals(old.get(SqlUserStorageConfig.DB_PASSWORD))) {
            SqlUserStorageConfig before = SqlUserStorageConfig.from(old);
            if (!before.jdbcUrl().equals(config.jdbcUrl())
                || !java.util.Objects.equals(before.dbUser(), user)) {
                throw new ComponentValidationException("tableauthDbPasswordRetype");
            }
        }
        model.put(SqlUserStorageConfig.DB_PASSWORD, DatabasePassword.bind(stored, destination, user));
    }

    /** The realm's auth configs (components of this provider), enabled or not. */
    public static Stream<ComponentModel> authConfigs(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
            .filter(c -> PROVIDER_ID.equals(c.getProviderId()));
    }

    /** The realm's enabled auth configs, first by priority: the order Keycloak's user storage asks them in. */
    public static Stream<UserStorageProviderModel> enabledAuthConfigs(RealmModel realm) {
        return authConfigs(realm).map(UserStorageProviderModel::new).filter(UserStorageProviderModel::isEnabled)
            .sorted(Comparator.comparingInt(UserStorageProviderModel::getPriority));
    }

    /** Each pattern is valid and claimed by no other auth config of the realm ("one auth config per API"). */
    private static void validateProtectedPaths(RealmModel realm, ComponentModel model) {
        List<String> patterns = model.getConfig().getOrDefault(PROTECTED_PATHS, List.of());
        validatePathPatterns(patterns);
        authConfigs(realm).filter(other -> !other.getId().equals(model.getId()))
            .forEach(other -> {
                List<String> taken = other.getConfig().getOrDefault(PROTECTED_PATHS, List.of()).stream()
                    .map(String::trim).toList();
                patterns.stream().map(String::trim).filter(p -> !p.isEmpty() && taken.contains(p)).findFirst()
                    .ifPresent(p -> {
                        throw new ComponentValidationException("tableauthPathTaken", p, other.getName());
                    });
            });
    }

    /**
     * Each pattern is valid ({@link PathPattern#problem}: syntax, and the caps on length and wildcards that keep a
     * match cheap); blank lines are skipped.
     */
    static void validatePathPatterns(List<String> patterns) {
        for (String pattern : patterns) {
            if (pattern == null || pattern.isBlank()) {
                continue;
            }
            String shown = pattern.length() > 80 ? pattern.substring(0, 79) + "…" : pattern;
            PathPattern.problem(pattern.trim()).ifPresent(problem -> {
                throw new ComponentValidationException("tableauthPathPattern", shown, problem);
            });
        }
    }

    /**
     * How long Keycloak's user cache keeps a table user of a new config ({@code MAX_LIFESPAN}): the longest a token
     * or key use (forward-auth, refresh, me) may act on a copy the application's own change to the row made stale.
     * Logins and mails never do: they check the copy against the row ({@link FreshUsers}); Keycloak's own changes
     * (console, REST, self-service) drop the copy on every node at once.
     */
    public static final long DEFAULT_CACHE_LIFESPAN_MS = 30_000;

    /** New configs get a short-lived user cache (above) unless the admin picked a policy. */
    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (defaultCachePolicy(model)) {
            realm.updateComponent(model);
        }
    }

    /**
     * The cache policy a config gets, written into it (so the console shows what holds); true when it changed. No
     * policy, and the ones the console's create form sends by default ({@code DEFAULT}, {@code EVICT_DAILY},
     * {@code EVICT_WEEKLY}, which would keep a user until a time of day or week), mean tableauth's default: at most
     * {@value #DEFAULT_CACHE_LIFESPAN_MS} ms. An explicit {@code MAX_LIFESPAN} is kept up to the operator's cap;
     * {@code NO_CACHE} is kept.
     */
    private boolean defaultCachePolicy(ComponentModel model) {
        String policy = model.get(CacheableStorageProviderModel.CACHE_POLICY);
        if (UserStorageProviderModel.CachePolicy.NO_CACHE.name().equals(policy)) {
            return false;
        }
        if (UserStorageProviderModel.CachePolicy.MAX_LIFESPAN.name().equals(policy)) {
            long lifespan;
            try {
                lifespan = Long.parseLong(model.get(CacheableStorageProviderModel.MAX_LIFESPAN, "-1"));
            } catch (NumberFormatException e) {
                lifespan = -1;
            }
            long kept = lifespan <= 0 ? DEFAULT_CACHE_LIFESPAN_MS : Math.min(lifespan, maxCacheLifespanMs);
            if (kept == lifespan) {
                return false;
            }
            model.put(CacheableStorageProviderModel.MAX_LIFESPAN, Long.toString(kept));
            return true;
        }
        model.put(CacheableStorageProviderModel.CACHE_POLICY, UserStorageProviderModel.CachePolicy.MAX_LIFESPAN.name());
        model.put(CacheableStorageProviderModel.MAX_LIFESPAN,
            Long.toString(Math.min(DEFAULT_CACHE_LIFESPAN_MS, maxCacheLifespanMs)));
        for (String eviction : List.of(CacheableStorageProviderModel.EVICTION_DAY, CacheableStorageProviderModel.EVICTION_HOUR,
            CacheableStorageProviderModel.EVICTION_MINUTE)) {
            model.getConfig().remove(eviction);
        }
        return true;
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        closeRuntime(oldModel.getId());
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        closeRuntime(model.getId());
    }

    private void closeRuntime(String id) {
        SqlAuthConfig runtime = configs.remove(id);
        realmOf.remove(id);
        goneOnce.remove(id);
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * Closes pools that outlive their auth config: at once on this node when a realm is removed here (Keycloak calls
     * no component's preRemove then), and on every node within two sweeps (the operator option removed-config-sweep-seconds apart, 10 s unless set) when a
     * config or realm was removed on another node, which tells this one nothing but through its realm cache.
     */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmRemovedEvent removed) {
                String realmId = removed.getRealm().getId();
                realmOf.entrySet().stream().filter(e -> e.getValue().equals(realmId)).map(Map.Entry::getKey).toList()
                    .forEach(this::closeRuntime);
            }
        });
        signalTicker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tableauth-change-signal");
            t.setDaemon(true);
            return t;
        });
        signalTicker.scheduleWithFixedDelay(() -> tickSignals(factory), 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.schedule(() -> sweep(factory), sweepMillis, "tableauth-close-removed-auth-configs");
            }
        });
    }

    private void tickSignals(KeycloakSessionFactory factory) {
        long now = System.currentTimeMillis();
        configs.forEach((id, runtime) -> {
            String realmId = realmOf.get(id);
            if (realmId == null || runtime.config().changeSignalSeconds() <= 0) {
                return;
            }
            try {
                signals.computeIfAbsent(id, k -> new ChangeSignal(id, realmId)).tick(factory, runtime, now);
            } catch (RuntimeException e) {
                LOG.debugf("tableauth: the change signal of auth config %s failed: %s", id, e.getMessage());
            }
        });
        signals.keySet().retainAll(configs.keySet());
    }

    private void sweep(KeycloakSessionFactory factory) {
        if (configs.isEmpty()) {
            return;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                for (String id : List.copyOf(configs.keySet())) {
                    String realmId = realmOf.get(id);
                    RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
                    if (realm != null && realm.getComponent(id) != null) {
                        goneOnce.remove(id);
                    } else if (!goneOnce.add(id)) {
                        LOG.debugf("tableauth: auth config %s was removed: its connection pool is closed", id);
                        closeRuntime(id);
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("tableauth: the sweep for removed auth configs failed: %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (signalTicker != null) {
            signalTicker.shutdownNow();
        }
        configs.values().forEach(SqlAuthConfig::close);
        configs.clear();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "tableauth: users from an existing SQL users table (an auth config).";
    }
}
