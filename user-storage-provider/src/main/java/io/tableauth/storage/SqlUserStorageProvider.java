package io.tableauth.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.tableauth.storage.hash.PasswordHasher;
import io.tableauth.storage.hash.PasswordRejectedException;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputUpdater;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.OnUserCache;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.storage.ReadOnlyException;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageUtil;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.UserLookupProvider;
import org.keycloak.storage.user.UserQueryProvider;
import org.keycloak.storage.user.UserRegistrationProvider;

/**
 * One auth config's users table for the length of one Keycloak session: finds users, checks passwords (Keycloak's
 * flows call this, so brute-force detection, disabled users and required actions apply), and in writable mode
 * writes changes back. All writes of a session share one database transaction that commits just before Keycloak's
 * own, or rolls back with it, so nothing is left half-written.
 */
public class SqlUserStorageProvider implements UserStorageProvider, UserLookupProvider, UserQueryProvider,
    UserRegistrationProvider, CredentialInputValidator, CredentialInputUpdater, OnUserCache {

    /**
     * Keycloak-session attribute: the auth configs (component ids, a {@code Set<String>}) whose table a call of this
     * request could not reach. Read by the brute-force detector in keycloak-internals, which counts no failure then.
     */
    public static final String UNAVAILABLE_ATTRIBUTE = "tableauth.unavailableAuthConfigs";

    private static final Logger LOG = Logger.getLogger(SqlUserStorageProvider.class);
    /** AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME (keycloak-services, not on this module's class path). */
    private static final String ATTEMPTED_USERNAME = "ATTEMPTED_USERNAME";

    private final KeycloakSession session;
    private final UserStorageProviderModel model;
    private final SqlAuthConfig runtime;
    private final SqlUserStorageConfig config;
    private Connection transaction;
    /**
     * Rows read in this Keycloak session (one request), by id. Keycloak asks for the same user several times while
     * it issues one token; with no user cache each ask would be a query. Dies with the request, so the table stays
     * the source of truth and no other node could ever need it.
     */
    private final Map<String, SqlUserRow> rowsThisRequest = new HashMap<>();
    /**
     * Keycloak's federated attributes of users of this config, read in this request: a user's brief representation
     * alone asks for four of them (created, e-mail verified, two link attributes), each a query of its own otherwise.
     * Every write of an attribute through this config's adapters forgets the user's entry.
     */
    private final Map<String, org.keycloak.common.util.MultivaluedHashMap<String, String>> federatedThisRequest =
        new HashMap<>();

    SqlUserStorageProvider(KeycloakSession session, UserStorageProviderModel model, SqlAuthConfig runtime) {
        this.session = session;
        this.model = model;
        this.runtime = runtime;
        this.config = runtime.config();
    }

    @FunctionalInterface
    interface SqlCall<T> {
        T run(Connection connection, UserTable table) throws SQLException;
    }

    /**
     * A read. When the table cannot be reached (its database marked unavailable on this node, or this call failed)
     * it throws {@link TableUnavailableException}, and the request remembers the config (see
     * {@link #unavailableThisRequest}).
     */
    <T> T read(SqlCall<T> call) {
        if (transaction != null) {
            try {
                return call.run(transaction, runtime.table(transaction));
            } catch (SQLException | ComponentValidationException e) {
                throw unavailable(e);
            }
        }
        Connection c = null;
        boolean broken = false;
        try {
            c = runtime.connection();
            return call.run(c, runtime.table(c));
        } catch (TableUnavailableException e) {
            markUnavailable();
            throw e;
        } catch (SQLException | ComponentValidationException e) {
            broken = e instanceof SQLException;
            throw unavailable(e);
        } finally {
            runtime.release(c, broken);
        }
    }

    /**
     * A lookup by username, e-mail or search: a table out of reach has nobody to offer, so Keycloak goes on to its
     * other user storages (what it does with an LDAP server that is down), without a stack trace per request in the
     * log; the REST API learns of it through {@link #unavailableThisRequest} and answers 503.
     */
    <T> T lookup(SqlCall<T> call, T none) {
        try {
            return read(call);
        } catch (TableUnavailableException e) {
            return none;
        }
    }

    /** A failed call: marks the database unavailable when it is out of reach; either way this call's table is. */
    private TableUnavailableException unavailable(Exception e) {
        if (!runtime.health().failed(e)) {
            runtime.statementFailed(e);
        }
        markUnavailable();
        return new TableUnavailableException(model.getName());
    }

    private void markUnavailable() {
        unavailableThisRequest(session).add(model.getId());
    }

    /** The auth configs (component ids) whose table a call of this request could not reach. */
    public static Set<String> unavailableThisRequest(KeycloakSession session) {
        @SuppressWarnings("unchecked")
        Set<String> ids = session.getAttribute(UNAVAILABLE_ATTRIBUTE, Set.class);
        if (ids == null) {
            ids = new java.util.HashSet<>();
            session.setAttribute(UNAVAILABLE_ATTRIBUTE, ids);
        }
        return ids;
    }

    /** A write in this session's transaction on the table. */
    <T> T write(SqlCall<T> call) {
        rowsThisRequest.clear();
        try {
            Connection c = transaction();
            return call.run(c, runtime.table(c));
        } catch (TableUnavailableException e) {
            markUnavailable();
            throw e;
        } catch (SQLException e) {
            throw writeFailed(e);
        }
    }

    /**
     * The user's mapped attributes as the hook scripts see them: boolean columns as booleans, numeric ones as
     * numbers, the rest as strings; a NULL column is {@code null}.
     */
    public Map<String, Object> hookAttributes(UserModel user) {
        UserTable table = runtime.resolvedTable();
        if (table == null) {
            table = read((c, t) -> t);
        }
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (String name : config.attributeColumns().keySet()) {
            String raw = user.getFirstAttribute(name);
            UserTable.Column column = table == null ? null : table.columnFor(name);
            values.put(name, raw == null || column == null ? raw : typed(column, raw));
        }
        return values;
    }

    private static Object typed(UserTable.Column column, String raw) {
        if (column.bool()) {
            return UserTable.truthy(raw);
        }
        if (column.numeric()) {
            try {
                return new java.math.BigDecimal(raw);
            } catch (NumberFormatException e) {
                return raw;
            }
        }
        return raw;
    }

    void requireWritable(String what) {
        if (!config.writable()) {
            throw new ReadOnlyException("The auth config " + model.getName() + " is read-only: " + what
                + " must be changed in the application.");
        }
    }

    private Connection transaction() throws SQLException {
        if (transaction == null) {
            Connection c = runtime.connection();
            c.setAutoCommit(false);
            transaction = c;
            // Prepare phase: our commit runs before Keycloak's, and a failure there rolls Keycloak's back too.
            session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    finish(true);
                }

                @Override
                protected void rollbackImpl() {
                    finish(false);
                }
            });
        }
        return transaction;
    }

    private void finish(boolean commit) {
        Connection c = transaction;
        transaction = null;
        if (c == null) {
            return;
        }
        try (c) {
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            throw writeFailed(e);
        }
    }

    /** A write the table refused (a constraint, a trigger), or, when its database is out of reach, unavailability. */
    private RuntimeException writeFailed(SQLException e) {
        if (runtime.health().failed(e)) {
            markUnavailable();
            return new TableUnavailableException(model.getName());
        }
        return new SqlWriteException("saving to the users table of auth config " + model.getName() + " failed", e);
    }

    @Override
    public void close() {
        if (transaction != null) {
            // not committed through Keycloak's transaction: never keep half a change
            finish(false);
        }
    }

    UserStorageProviderModel model() {
        return model;
    }

    SqlUserStorageConfig config() {
        return config;
    }

    /** The user's federated attributes as read in this request (read now if not yet); callers must not change it. */
    org.keycloak.common.util.MultivaluedHashMap<String, String> federatedAttributes(RealmModel realm, String userId) {
        return federatedThisRequest.computeIfAbsent(userId, id -> {
            var read = UserStorageUtil.userFederatedStorage(session).getAttributes(realm, id);
            return read == null ? new org.keycloak.common.util.MultivaluedHashMap<>() : read;
        });
    }

    /** After a write of the user's federated attributes: the next read asks Keycloak's storage again. */
    void forgetFederatedAttributes(String userId) {
        federatedThisRequest.remove(userId);
    }

    /**
     * The user of a row read from the table; the first time this request meets the row, a password hash the
     * application changed behind Keycloak's back ends the user's sessions ({@link PasswordStamps}).
     */
    private SqlUserAdapter adapter(RealmModel realm, SqlUserRow row) {
        return adapter(realm, row, false);
    }

    /** As above; {@code byId}: read for a token's use (by id), so what this request issues goes too. */
    private SqlUserAdapter adapter(RealmModel realm, SqlUserRow row, boolean byId) {
        SqlUserRow before = rowsThisRequest.put(row.id(), row);
        SqlUserAdapter user = new SqlUserAdapter(session, realm, this, row);
        if (before == null || !java.util.Objects.equals(before.passwordHash(), row.passwordHash())) {
            PasswordStamps.seen(session, realm, user, row.passwordHash(), byId);
        }
        return user;
    }

    /** False when the current request is scoped to another auth config ({@link AuthConfigScope}). */
    private boolean inScope() {
        return AuthConfigScope.admits(session, model.getId());
    }

    /**
     * True during a first login through an identity provider: such users have no password for the table, so they
     * become Keycloak users linked to the provider (a table user with the same e-mail is found by the
     * first-broker-login flow's "detect existing user" step instead).
     */
    private boolean brokeredSignup() {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        // AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE (keycloak-services, not on this module's class path)
        return authSession != null && authSession.getAuthNote("BROKERED_CONTEXT") != null;
    }

    // --- lookup

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        String externalId = StorageId.externalId(id);
        SqlUserRow known = rowsThisRequest.get(externalId);
        if (known != null) {
            return adapter(realm, known, true);
        }
        // Thrown, not "no such user": Keycloak would take a missing user for a deleted one and end their sessions.
        return read((c, t) -> t.findById(c, externalId)).map(row -> adapter(realm, row, true)).orElse(null);
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        if (!inScope()) {
            return null;
        }
        MissCost.lookupStarts(session);
        UserModel user = lookup((c, t) -> t.findByCredential(c, username), Optional.<SqlUserRow>empty())
            .map(row -> adapter(realm, row)).orElse(null);
        if (user == null) {
            MissCost.afterMiss(session, realm, model);
        }
        return user;
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        if (config.emailColumn() == null || !inScope()) {
            return null;
        }
        MissCost.lookupStarts(session);
        // no miss cost here: Keycloak asks by username after an e-mail that is no one's, and the cost is spent there
        return lookup((c, t) -> t.findByEmail(c, email), Optional.<SqlUserRow>empty())
            .map(row -> adapter(realm, row)).orElse(null);
    }

    /** The current row of a user of this config, fresh from the table (after a write, or for a password check). */
    Optional<SqlUserRow> row(String externalId) {
        Optional<SqlUserRow> row = read((c, t) -> t.findById(c, externalId));
        row.ifPresentOrElse(r -> rowsThisRequest.put(r.id(), r), () -> rowsThisRequest.remove(externalId));
        return row;
    }

    /**
     * The user's row as this request knows it: read by an earlier call of the request (no write since, which would
     * have forgotten it) or now. One read per request serves the lookup, the freshness check and the password.
     */
    private Optional<SqlUserRow> rowThisRequest(String externalId) {
        SqlUserRow known = rowsThisRequest.get(externalId);
        return known != null ? Optional.of(known) : row(externalId);
    }

    /**
     * A disabled user is never kept by Keycloak's user cache (the copy just made is dropped when the request ends):
     * a disabled copy would refuse the first login after the application enabled the row again, before any check of
     * ours runs. Disabled users are rare and ask for little, so reading them from the table each time costs nothing.
     */
    @Override
    public void onCache(RealmModel realm, CachedUserModel user, UserModel delegate) {
        UserCache cache = delegate.isEnabled() ? null : session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, delegate);
        }
    }

    /** What {@link #refresh} found. */
    enum Held { FRESH, RELOADED, GONE }

    /**
     * Compares a copy of this config's user held by Keycloak's user cache with the row now in the table; a copy the
     * application's own change made stale (disabled, new e-mail or name, row deleted) is dropped from the cache of
     * every node, and the held adapter reads the row from then on. A copy that is not cached (no cache policy, or
     * loaded from the table in this request) is fresh already.
     */
    Held refresh(RealmModel realm, UserModel held) {
        if (!(held instanceof CachedUserModel cached) || !model.getId().equals(held.getFederationLink())) {
            return Held.FRESH;
        }
        Optional<SqlUserRow> row = rowThisRequest(StorageId.externalId(held.getId()));
        row.ifPresent(r -> PasswordStamps.seen(session, realm, held, r.passwordHash(), false));
        if (row.isPresent() && !new SqlUserAdapter(session, realm, this, row.get()).differsFrom(held)) {
            return Held.FRESH;
        }
        try {
            cached.invalidate(); // registers the invalidation, then reloads the adapter's delegate from the row
        } catch (IllegalStateException gone) {
            return Held.GONE; // Keycloak's "Not found in database": the invalidation was registered before it looked
        }
        return row.isPresent() ? Held.RELOADED : Held.GONE;
    }

    /**
     * The change signal ({@link ChangeSignal}) found this row changed by the application: Keycloak's held copy, if
     * any node has one, is dropped on every node (so the next lookup, token use or key use reads the row), a password
     * hash that is not the one last seen ends the user's sessions and tokens ({@link PasswordStamps}), and so does a
     * row now disabled or gone.
     */
    void changedInTable(RealmModel realm, String externalId) {
        UserModel held = session.users().getUserById(realm, new StorageId(model.getId(), externalId).getId());
        if (held == null) {
            return; // gone, and no copy on this node; another node's copy was dropped by id below, or expires
        }
        // a copy read from the table just now has had its password stamp compared already
        Optional<SqlUserRow> row = held instanceof SqlUserAdapter adapter ? Optional.of(adapter.row())
            : rowThisRequest(externalId);
        // not before the next second: a refresh in flight on another thread keeps nothing it is issued now
        boolean ended = row.isPresent() && PasswordStamps.seen(session, realm, held, row.get().passwordHash(), true);
        if (!ended && (row.isEmpty() || !new SqlUserAdapter(session, realm, this, row.get()).isEnabled())) {
            // A deleted user's stored sessions are dropped by Keycloak itself as it reads them back (their user is
            // gone), so none may be left to count: the event says why access ended all the same (once per node that
            // held the user).
            AccessEnds.end(session, realm, held, row.isEmpty() ? "the application deleted the user's row"
                : "the application disabled the user in its table", true, row.isEmpty());
        }
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, held);
        }
    }

    // --- passwords

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return PasswordCredentialModel.TYPE.equals(credentialType) || config.appSecondFactor()
            && (OTPCredentialModel.TYPE.equals(credentialType) || AppSecondFactor.RECOVERY_CODE.equals(credentialType));
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        if (!supportsCredentialType(credentialType)) {
            return false;
        }
        if (!PasswordCredentialModel.TYPE.equals(credentialType)) {
            return appSecondFactor().configured(user);
        }
        // a copy held by Keycloak's user cache is not our adapter: its row (usually read in this request already)
        Optional<SqlUserRow> row;
        try {
            row = user instanceof SqlUserAdapter adapter ? Optional.of(adapter.row())
                : rowThisRequest(StorageId.externalId(user.getId()));
        } catch (TableUnavailableException e) {
            return false;
        }
        return row.map(SqlUserRow::passwordHash).filter(h -> !h.isEmpty()).isPresent();
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        if (!supportsCredentialType(input.getType()) || input.getChallengeResponse() == null) {
            return false;
        }
        if (OTPCredentialModel.TYPE.equals(input.getType())) {
            return appSecondFactor().verify(user, input.getChallengeResponse());
        }
        if (AppSecondFactor.RECOVERY_CODE.equals(input.getType())) {
            return appSecondFactor().redeem(user, input.getChallengeResponse());
        }
        long started = System.nanoTime();
        String externalId = StorageId.externalId(user.getId());
        Optional<SqlUserRow> row;
        try {
            Held held = refresh(realm, user);
            // A held copy Keycloak found enabled, whose row the application has disabled since: Keycloak's flow has
            // judged "enabled" already, so refusing the password is what is left (REST logins check the row before
            // the flow, and answer "disabled"). A copy found by a name that is no longer the user's is refused too.
            if (held == Held.GONE || held == Held.RELOADED
                && (!user.isEnabled() || !stillNamedByAttempt(externalId))) {
                return false;
            }
            row = rowThisRequest(externalId);
        } catch (TableUnavailableException e) {
            // a held copy whose table is out of reach: refused as an unknown user is (the brute-force detector
            // counts no failure for a config marked unavailable in this request)
            return false;
        }
        if (row.isEmpty()) {
            return false;
        }
        String stored = row.get().passwordHash();
        PasswordHasher hasher = runtime.hasher();
        String password = input.getChallengeResponse();
        PasswordHasher.LegacySalt salt = config.saltColumn() == null ? null
            : new PasswordHasher.LegacySalt(row.get().salt(), config.saltPrefix());
        if (!runtime.verify(password, stored, salt, started)) {
            MissCost.afterWrongPassword(session, realm, started);
            return false;
        }
        // Keycloak checks the password before it says "Account disabled" (so the state is not revealed to
        // someone without the password): a disabled user's correct password must not count as a login here.
        boolean enabled = config.enabledColumn() != null ? row.get().enabled() : user.isEnabled();
        if (enabled && config.writable() && config.rehashOnLogin() && hasher.needsRehash(stored)) {
            rehash(externalId, password, hasher);
        }
        if (enabled && config.writable() && config.lastLoginColumn() != null) {
            recordLogin(externalId);
        }
        return true;
    }

    private AppSecondFactor appSecondFactor() {
        return new AppSecondFactor(session, model, runtime, config);
    }

    /**
     * Whether the name this login was attempted with (Keycloak's flows keep it in the authentication session) still
     * finds this user in the table: a user cached under an e-mail or username the application has since changed is
     * found by the old one until the copy expires, and that must not log them in.
     */
    private boolean stillNamedByAttempt(String externalId) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        String attempted = authSession == null ? null : authSession.getAuthNote(ATTEMPTED_USERNAME);
        if (attempted == null || attempted.isBlank()) {
            return true;
        }
        String name = attempted.trim();
        Optional<SqlUserRow> byName = lookup((c, t) -> t.findByCredential(c, name), Optional.<SqlUserRow>empty());
        if (byName.isPresent() && byName.get().id().equals(externalId)) {
            return true;
        }
        return config.emailColumn() != null && lookup((c, t) -> t.findByEmail(c, name), Optional.<SqlUserRow>empty())
            .filter(r -> r.id().equals(externalId)).isPresent();
    }

    /** The last-login column (Django's last_login, Directus's last_access); never fails the login it follows. */
    private void recordLogin(String externalId) {
        try {
            write((c, t) -> {
                t.touchLastLogin(c, externalId);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf("tableauth auth config %s: could not record the login of user %s: %s", model.getName(),
                externalId, e.getMessage());
        }
    }

    /** Upgrades a verified password's hash; never fails the login it follows. */
    private void rehash(String externalId, String password, PasswordHasher hasher) {
        try {
            String upgraded = hasher.hash(password);
            write((c, t) -> {
                t.updatePassword(c, externalId, upgraded);
                return null;
            });
            PasswordStamps.wrote(session, session.getContext().getRealm(), StorageId.keycloakId(model, externalId),
                upgraded);
            LOG.debugf("tableauth auth config %s: rehashed the password of user %s", model.getName(), externalId);
        } catch (RuntimeException e) {
            LOG.warnf("tableauth auth config %s: could not rehash the password of user %s: %s", model.getName(),
                externalId, e.getMessage());
        }
    }

    @Override
    public boolean updateCredential(RealmModel realm, UserModel user, CredentialInput input) {
        if (!PasswordCredentialModel.TYPE.equals(input.getType())) {
            return false; // a one-time code set up through Keycloak stays Keycloak's
        }
        requireWritable("passwords");
        String password = input.getChallengeResponse();
        // Keycloak applies the realm's password policy to its own credentials only; federation providers apply it.
        PolicyError error = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        if (error != null) {
            throw new ModelException(error.getMessage(), error.getParameters());
        }
        String hash;
        try {
            hash = runtime.hasher().hash(password);
        } catch (PasswordRejectedException e) {
            throw new ModelException(e.getMessage());
        }
        String externalId = StorageId.externalId(user.getId());
        write((c, t) -> {
            t.updatePassword(c, externalId, hash);
            return null;
        });
        PasswordStamps.wrote(session, realm, user.getId(), hash); // our own change: no session of theirs ends for it
        return true;
    }

    @Override
    public void disableCredentialType(RealmModel realm, UserModel user, String credentialType) {
        // The table's password cannot be removed from Keycloak.
    }

    @Override
    public Stream<String> getDisableableCredentialTypesStream(RealmModel realm, UserModel user) {
        return Stream.empty();
    }

    // --- registration

    @Override
    public UserModel addUser(RealmModel realm, String username) {
        if (!config.writable() || !config.signupAllowed() || !inScope() || brokeredSignup()) {
            return null; // Keycloak then creates the user itself
        }
        SqlUserRow row = write((c, t) -> {
            String id = t.insert(c, username);
            return t.findById(c, id).orElseThrow(() -> new SqlWriteException("The new row could not be read back."));
        });
        return adapter(realm, row);
    }

    @Override
    public boolean removeUser(RealmModel realm, UserModel user) {
        if (!config.writable()) {
            // Keycloak has already dropped the user's Keycloak-side data (roles, OTP...) in this transaction:
            // roll it all back, and answer "not removed" (the admin API's 400), not an exception (a 500).
            LOG.infof("tableauth auth config %s is read-only: user %s not deleted", model.getName(), user.getUsername());
            session.getTransactionManager().setRollbackOnly();
            return false;
        }
        String externalId = StorageId.externalId(user.getId());
        return write((c, t) -> t.delete(c, externalId));
    }

    // --- search

    @Override
    public Stream<UserModel> searchForUserStream(RealmModel realm, Map<String, String> params, Integer firstResult,
                                                 Integer maxResults) {
        List<SqlUserRow> rows = lookup((c, t) -> {
            UserTable.Filter filter = t.filter(params);
            return filter == null ? List.<SqlUserRow>of() : t.search(c, filter, firstResult, maxResults);
        }, List.of());
        return rows.stream().map(row -> adapter(realm, row));
    }

    @Override
    public int getUsersCount(RealmModel realm, boolean includeServiceAccount) {
        return getUsersCount(realm, Map.of());
    }

    @Override
    public int getUsersCount(RealmModel realm, Map<String, String> params) {
        return lookup((c, t) -> {
            UserTable.Filter filter = t.filter(params);
            return filter == null ? 0 : t.count(c, filter);
        }, 0);
    }

    @Override
    public Stream<UserModel> getGroupMembersStream(RealmModel realm, GroupModel group, Integer firstResult,
                                                   Integer maxResults) {
        // Group membership of these users is Keycloak-side (federated storage).
        return UserStorageUtil.userFederatedStorage(session).getMembershipStream(realm, group, firstResult, maxResults)
            .filter(id -> model.getId().equals(StorageId.providerId(id)))
            .map(id -> getUserById(realm, id))
            .filter(Objects::nonNull);
    }

    @Override
    public Stream<UserModel> searchForUserByUserAttributeStream(RealmModel realm, String attrName, String attrValue) {
        if (config.attributeColumns().containsKey(attrName)) {
            return searchForUserStream(realm, Map.of(attrName, attrValue), null, null);
        }
        return UserStorageUtil.userFederatedStorage(session).getUsersByUserAttributeStream(realm, attrName, attrValue)
            .filter(id -> model.getId().equals(StorageId.providerId(id)))
            .map(id -> getUserById(realm, id))
            .filter(Objects::nonNull);
    }
}
