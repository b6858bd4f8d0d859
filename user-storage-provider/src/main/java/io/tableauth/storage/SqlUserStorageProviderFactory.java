package io.tableauth.storage;

import static io.tableauth.storage.SqlUserStorageConfig.*;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.tableauth.hook.HookEngine;
import io.tableauth.storage.hash.HashTarget;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;

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
    private static final long VALIDATION_CONNECT_TIMEOUT_MS = 5_000;

    /** Live state per auth config (component id) on this node; rebuilt when the settings differ. */
    private final Map<String, SqlAuthConfig> configs = new ConcurrentHashMap<>();

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
        .property().name(JDBC_URL).label("JDBC URL").type(ProviderConfigProperty.STRING_TYPE).required(true)
        .helpText("The application database, e.g. jdbc:postgresql://db:5432/app, jdbc:mariadb://db:3306/app or "
            + "jdbc:h2:file:/data/app. tableauth includes the PostgreSQL, MariaDB/MySQL and H2 drivers; for another "
            + "database put its driver jar in Keycloak's providers/ folder.").add()
        .property().name(DB_USER).label("Database user").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("User tableauth connects as. Read-only configs need SELECT on the table; writable ones also "
            + "INSERT, UPDATE and DELETE.").add()
        .property().name(DB_PASSWORD).label("Database password").type(ProviderConfigProperty.PASSWORD).secret(true)
        .helpText("Stored as a secret: never shown again, never logged. Vault references (${vault.key}) work.").add()
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
        .options(HashTarget.BCRYPT_2Y.id(), HashTarget.BCRYPT_2B.id(), HashTarget.ARGON2ID.id(),
            HashTarget.DJANGO_PBKDF2_SHA256.id())
        .defaultValue(DEFAULT_HASH_TARGET)
        .helpText("How tableauth writes passwords (signup, change, rehash), so the application can still verify them: "
            + "bcrypt-2y for PHP/Laravel, bcrypt-2b for Node/Python, argon2id (PHP defaults) for Directus and "
            + "node-argon2, django-pbkdf2-sha256 for Django.").add()
        .property().name(BCRYPT_COST).label("bcrypt cost").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(DEFAULT_BCRYPT_COST)).helpText("Cost of bcrypt hashes written (4 to 31).").add()
        .property().name(REHASH_ON_LOGIN).label("Rehash on login").type(ProviderConfigProperty.BOOLEAN_TYPE)
        .defaultValue("true")
        .helpText("With WRITABLE: after a successful login, a legacy hash or one weaker than the format for new "
            + "hashes is rewritten in that format. A failed login never writes.").add()
        .property().name(CREDENTIAL_MATCH).label("Credential match").type(ProviderConfigProperty.LIST_TYPE)
        .options(CASE_INSENSITIVE, EXACT).defaultValue(CASE_INSENSITIVE)
        .helpText("case-insensitive compares LOWER(column) (on large PostgreSQL tables add an index on lower(email)); "
            + "exact uses the column as stored (plain index).").add()
        .property().name(MAX_POOL_SIZE).label("Maximum pool size").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(Integer.toString(DEFAULT_MAX_POOL_SIZE))
        .helpText("Connections this config may hold open to the database on each Keycloak node.").add()
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
            + "/api/orders/** (the path and everything below it), /api/*/reports (* is one path segment). A token or "
            + "API key of another config, or of a Keycloak user, gets 403 there. A pattern belongs to one auth config "
            + "only.").add()
        .build();

    @Override
    public SqlUserStorageProvider create(KeycloakSession session, ComponentModel model) {
        return new SqlUserStorageProvider(session, new UserStorageProviderModel(model), runtime(model));
    }

    /** The live state for a config, rebuilt when its settings differ from the cached one (also after edits on other nodes). */
    SqlAuthConfig runtime(ComponentModel model) {
        SqlUserStorageConfig config = SqlUserStorageConfig.from(model);
        return configs.compute(model.getId(), (id, current) -> {
            if (current != null && current.config().equals(config)) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            LOG.debugf("tableauth auth config %s (%s): new connection pool for %s", model.getName(), id,
                config.redactedJdbcUrl());
            return new SqlAuthConfig(model.getName() == null ? id : model.getName(), config);
        });
    }

    /**
     * Spends on a password what a wrong password costs for a user of this auth config (one verify against a hash
     * in its format for new passwords). The REST API calls it when a login found no user, so that unknown users
     * and wrong passwords take about the same time.
     */
    public void dummyVerify(ComponentModel model, String password) {
        runtime(model).dummyVerify(password);
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        for (String hook : List.of(LOGIN_HOOK, SIGNUP_HOOK)) {
            HookEngine.get().syntaxError(model.get(hook)).ifPresent(error -> {
                throw new ComponentValidationException("tableauthHookSyntax",
                    LOGIN_HOOK.equals(hook) ? "Login hook" : "Signup hook", error);
            });
        }
        validateProtectedPaths(realm, model);
        SqlUserStorageConfig config = SqlUserStorageConfig.from(model);
        String driver = JdbcDrivers.driverClassFor(config.jdbcUrl());
        if (driver == null) {
            try {
                java.sql.DriverManager.getDriver(config.jdbcUrl());
            } catch (SQLException e) {
                throw new ComponentValidationException("tableauthNoDriver", config.redactedJdbcUrl());
            }
        }
        var poolConfig = SqlAuthConfig.poolConfig("validate", config, VALIDATION_CONNECT_TIMEOUT_MS);
        poolConfig.setMaximumPoolSize(1);
        poolConfig.setMinimumIdle(0);
        poolConfig.setInitializationFailTimeout(VALIDATION_CONNECT_TIMEOUT_MS);
        try (HikariDataSource probe = new HikariDataSource(poolConfig); Connection c = probe.getConnection()) {
            UserTable table = UserTable.resolve(c, config);
            if (config.writable() && config.signupAllowed()) {
                table.checkInsertable();
            }
        } catch (HikariPool.PoolInitializationException | SQLException e) {
            Throwable cause = e.getCause() != null && e instanceof HikariPool.PoolInitializationException ? e.getCause() : e;
            throw new ComponentValidationException("tableauthCannotConnect", config.redactedJdbcUrl(),
                String.valueOf(cause.getMessage()));
        }
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
        for (String pattern : patterns) {
            if (pattern == null || pattern.isBlank()) {
                continue;
            }
            PathPattern.problem(pattern.trim()).ifPresent(problem -> {
                throw new ComponentValidationException("tableauthPathPattern", pattern, problem);
            });
        }
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
     * New configs default to no user cache: the application changes its own table (disables a user, edits a name)
     * without telling Keycloak, so a cached copy would go stale. Admins may still pick a cache policy.
     */
    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        UserStorageProviderModel storageModel = new UserStorageProviderModel(model);
        if (storageModel.getCachePolicy() == null) {
            storageModel.setCachePolicy(UserStorageProviderModel.CachePolicy.NO_CACHE);
            realm.updateComponent(storageModel);
        }
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
        if (runtime != null) {
            runtime.close();
        }
    }

    @Override
    public void close() {
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
