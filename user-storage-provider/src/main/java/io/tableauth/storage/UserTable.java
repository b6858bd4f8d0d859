package io.tableauth.storage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.UserModel;

/**
 * An auth config's users table as the database knows it: the configured names matched against the catalogue
 * (exactly, else case-insensitively when unambiguous), quoted with the database's quote character, with each
 * column's type for binding values. Every statement tableauth runs on the table is built here, once, with values
 * only ever bound as parameters.
 */
final class UserTable {

    /** A resolved column: its real name, quoted form and JDBC type. */
    record Column(String name, String quoted, int jdbcType, String typeName, boolean nullable, boolean generated) {

        boolean numeric() {
            return switch (jdbcType) {
                case Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT, Types.NUMERIC, Types.DECIMAL -> true;
                default -> false;
            };
        }

        boolean bool() {
            return jdbcType == Types.BOOLEAN || jdbcType == Types.BIT;
        }

        boolean uuid() {
            return "uuid".equalsIgnoreCase(typeName);
        }

        boolean temporal() {
            return jdbcType == Types.TIMESTAMP || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE || jdbcType == Types.DATE;
        }
    }

    private static final Set<String> TRUE_VALUES = Set.of("1", "true", "t", "y", "yes", "on", "active", "enabled");

    private final String quotedTable;
    private final Column id;
    private final List<Column> credentials;
    private final Column password;
    private final Column salt;
    private final Column email;
    private final Column firstName;
    private final Column lastName;
    private final Column enabled;
    private final Column fullName;
    private final Column createdAt;
    private final Column updatedAt;
    /** Whether an index of the table starts with the updated-at column (the change signal's read is a range of it). */
    private boolean changeColumnIndexed;
    private final Column lastLogin;
    private final Column emailVerified;
    private final List<String> enabledValues;
    private final String disabledValue;
    private final SqlUserStorageConfig.IdGeneration idGeneration;
    private final Map<Column, String> insertDefaults;
    /** Every column of the table an INSERT must give a value: NOT NULL, and no default or generator of its own. */
    private final List<Column> requiredForInsert;
    private final Set<String> columnNames;
    private final Map<String, Column> attributes;
    private final boolean caseInsensitive;
    private final List<Column> selected;
    private final String select;
    private final int statementTimeoutSeconds;

    private UserTable(String quotedTable, Map<String, Column> byConfigName, List<Column> all,
                      SqlUserStorageConfig config) {
        this.quotedTable = quotedTable;
        this.statementTimeoutSeconds = config.timeouts().statementSeconds();
        this.fullName = column(byConfigName, config.fullNameColumn());
        this.createdAt = column(byConfigName, config.createdAtColumn());
        this.updatedAt = column(byConfigName, config.updatedAtColumn());
        this.lastLogin = column(byConfigName, config.lastLoginColumn());
        this.emailVerified = column(byConfigName, config.emailVerifiedColumn());
        this.enabledValues = config.enabledValues();
        this.disabledValue = config.disabledValue();
        this.idGeneration = config.idGeneration();
        Map<Column, String> defaults = new LinkedHashMap<>();
        config.insertDefaults().forEach((name, value) -> defaults.put(byConfigName.get(name), value));
        this.insertDefaults = defaults;
        this.requiredForInsert = all.stream().filter(c -> !c.nullable() && !c.generated()).toList();
        this.columnNames = all.stream().map(c -> c.name().toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.id = byConfigName.get(config.idColumn().name());
        this.credentials = config.credentialColumns().stream().map(c -> byConfigName.get(c.name())).toList();
        this.password = byConfigName.get(config.passwordColumn().name());
        this.salt = column(byConfigName, config.saltColumn());
        this.email = column(byConfigName, config.emailColumn());
        this.firstName = column(byConfigName, config.firstNameColumn());
        this.lastName = column(byConfigName, config.lastNameColumn());
        this.enabled = column(byConfigName, config.enabledColumn());
        Map<String, Column> attrs = new LinkedHashMap<>();
        config.attributeColumns().forEach((attribute, col) -> attrs.put(attribute, byConfigName.get(col.name())));
        this.attributes = attrs;
        this.caseInsensitive = config.caseInsensitiveCredentials();
        Map<String, Column> distinct = new LinkedHashMap<>();
        byConfigName.values().forEach(c -> distinct.putIfAbsent(c.name(), c));
        this.selected = List.copyOf(distinct.values());
        this.select = "SELECT " + String.join(", ", selected.stream().map(Column::quoted).toList()) + " FROM " + quotedTable;
    }

    /** A statement bounded by the config's statement timeout (the database or the driver cancels it past that). */
    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        return timed(c.prepareStatement(sql));
    }

    private PreparedStatement timed(PreparedStatement ps) throws SQLException {
        try {
            ps.setQueryTimeout(statementTimeoutSeconds);
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    private static Column column(Map<String, Column> byConfigName, SqlIdentifier id) {
        return id == null ? null : byConfigName.get(id.name());
    }

    /**
     * Matches the config's table and columns against the database catalogue. Throws a
     * {@link ComponentValidationException} naming the first table or column that does not exist.
     */
    static UserTable resolve(Connection connection, SqlUserStorageConfig config) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String quote = md.getIdentifierQuoteString().trim();
        String catalog = connection.getCatalog();
        String schema = config.table().schema() != null ? config.table().schema() : connection.getSchema();

        String[] table = null;
        List<String[]> candidates = new ArrayList<>();
        try (ResultSet rs = md.getTables(catalog, null, null, new String[] {"TABLE", "VIEW", "BASE TABLE"})) {
            while (rs.next()) {
                String s = rs.getString("TABLE_SCHEM");
                String n = rs.getString("TABLE_NAME");
                if (schema != null && s != null && !s.equalsIgnoreCase(schema)) {
                    continue;
                }
                if (n.equals(config.table().name()) && (schema == null || s == null || s.equals(schema))) {
                    table = new String[] {s, n};
                    break;
                }
                if (n.equalsIgnoreCase(config.table().name())) {
                    candidates.add(new String[] {s, n});
                }
            }
        }
        if (table == null) {
            if (candidates.size() != 1) {
                throw new ComponentValidationException("tableauthTableNotFound", config.table().toString());
            }
            table = candidates.get(0);
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        try (ResultSet rs = md.getColumns(catalog, table[0], table[1], null)) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                boolean generated = "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))
                    || "YES".equalsIgnoreCase(rs.getString("IS_GENERATEDCOLUMN"))
                    || rs.getString("COLUMN_DEF") != null;
                columns.put(name, new Column(name, quote + name + quote, rs.getInt("DATA_TYPE"),
                    rs.getString("TYPE_NAME"), rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls, generated));
            }
        }
        Map<String, Column> byConfigName = new LinkedHashMap<>();
        List<SqlIdentifier> wanted = new ArrayList<>();
        wanted.add(config.idColumn());
        wanted.addAll(config.credentialColumns());
        wanted.add(config.passwordColumn());
        for (SqlIdentifier c : new SqlIdentifier[] {config.saltColumn(), config.emailColumn(),
            config.firstNameColumn(), config.lastNameColumn(), config.enabledColumn(), config.fullNameColumn(),
            config.createdAtColumn(), config.updatedAtColumn(), config.lastLoginColumn(), config.emailVerifiedColumn()}) {
            if (c != null) {
                wanted.add(c);
            }
        }
        wanted.addAll(config.attributeColumns().values());
        config.insertDefaults().keySet().forEach(name -> wanted.add(SqlIdentifier.column("Insert defaults", name)));
        for (SqlIdentifier c : wanted) {
            Column found = columns.get(c.name());
            if (found == null) {
                List<Column> loose = columns.values().stream().filter(k -> k.name().equalsIgnoreCase(c.name())).toList();
                if (loose.size() != 1) {
                    throw new ComponentValidationException("tableauthColumnNotFound", c.name(), config.table().toString());
                }
                found = loose.get(0);
            }
            byConfigName.put(c.name(), found);
        }
        String quotedTable = (table[0] != null && config.table().schema() != null ? quote + table[0] + quote + "." : "")
            + quote + table[1] + quote;
        UserTable resolved = new UserTable(quotedTable, byConfigName, List.copyOf(columns.values()), config);
        if (resolved.updatedAt != null) {
            try (ResultSet rs = md.getIndexInfo(catalog, table[0], table[1], false, true)) {
                while (rs.next()) {
                    if (rs.getShort("ORDINAL_POSITION") == 1
                        && resolved.updatedAt.name().equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                        resolved.changeColumnIndexed = true;
                    }
                }
            }
        }
        return resolved;
    }

    /** The names of the table's columns, lower case (for presets that fill a setting only when its column exists). */
    Set<String> columnNames() {
        return columnNames;
    }

    /**
     * For configs that insert rows: the id must come from the database or from tableauth, and every NOT NULL column
     * without a default must be mapped or have an insert default, so that a sign-up never fails for a reason known
     * in advance.
     */
    void checkInsertable() {
        switch (idGeneration) {
            case DATABASE -> {
                if (!id.generated() && id.numeric()) {
                    throw new ComponentValidationException("tableauthWritableNeedsIdColumn");
                }
            }
            case UUID -> {
                if (id.numeric()) {
                    throw new ComponentValidationException("tableauthIdGenerationType", id.name(), "uuid");
                }
            }
            case CUID -> {
                if (id.numeric() || id.uuid()) {
                    throw new ComponentValidationException("tableauthIdGenerationType", id.name(), "cuid");
                }
            }
        }
        List<String> uncovered = requiredForInsert.stream().filter(c -> !covered(c)).map(Column::name).toList();
        if (!uncovered.isEmpty()) {
            throw new ComponentValidationException("tableauthNotInsertable", String.join(", ", uncovered));
        }
    }

    /** Whether tableauth gives the column a value when it inserts a row. */
    private boolean covered(Column c) {
        return c.equals(id) || c.equals(password) || insertDefaults.containsKey(c) || mapped(c);
    }

    private boolean mapped(Column c) {
        return credentials.contains(c) || attributes.containsValue(c)
            || java.util.stream.Stream.of(salt, email, firstName, lastName, enabled, fullName, createdAt, updatedAt,
                lastLogin, emailVerified).anyMatch(c::equals);
    }

    Column enabled() {
        return enabled;
    }

    Column credential() {
        return credentials.get(0);
    }

    Column fullName() {
        return fullName;
    }

    Column emailVerified() {
        return emailVerified;
    }

    /** The column behind a Keycloak attribute (email, firstName, lastName or a mapped one), or null. */
    Column columnFor(String attribute) {
        return switch (attribute) {
            case UserModel.USERNAME -> credentials.get(0);
            case UserModel.EMAIL -> email;
            case UserModel.FIRST_NAME -> firstName;
            case UserModel.LAST_NAME -> lastName;
            default -> attributes.get(attribute);
        };
    }

    /** The table's name as statements write it (schema-qualified and quoted as the database quotes). */
    String quotedTable() {
        return quotedTable;
    }

    /** The id column's name as statements write it. */
    String quotedId() {
        return id.quoted();
    }

    /** A user's id as the id column takes it in a statement (a number for a numeric column), or null if it cannot be. */
    Object idKey(String externalId) {
        return keyValue(id, externalId);
    }

    Optional<SqlUserRow> findById(Connection c, String externalId) throws SQLException {
        Object key = keyValue(id, externalId);
        if (key == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = prepare(c, select + " WHERE " + id.quoted() + " = ?")) {
            ps.setObject(1, key);
            return single(ps);
        }
    }

    /**
     * The row whose credential column(s) hold the value; empty also when two rows would match (ambiguous). Held to
     * {@link #same}: a row the database's collation merely finds equal ({@code alîce} for {@code alice} under MariaDB's
     * accent-insensitive collations, or PostgreSQL's nondeterministic ones) is not the value's.
     */
    Optional<SqlUserRow> findByCredential(Connection c, String value) throws SQLException {
        StringBuilder where = new StringBuilder();
        for (Column col : credentials) {
            where.append(where.isEmpty() ? "" : " OR ").append(equalsCondition(col));
        }
        try (PreparedStatement ps = prepare(c, select + " WHERE " + where)) {
            for (int i = 1; i <= credentials.size(); i++) {
                ps.setString(i, caseInsensitive ? value.toLowerCase(Locale.ROOT) : value);
            }
            return holding(ps, credentials, value);
        }
    }

    /** The row whose e-mail column holds the value, as {@link #findByCredential} matches. */
    Optional<SqlUserRow> findByEmail(Connection c, String value) throws SQLException {
        try (PreparedStatement ps = prepare(c, select + " WHERE " + equalsCondition(email))) {
            ps.setString(1, caseInsensitive ? value.toLowerCase(Locale.ROOT) : value);
            return holding(ps, List.of(email), value);
        }
    }

    /** Rows read past the first that a collation may call equal, before the lookup gives up as ambiguous. */
    private static final int COLLATION_PEERS = 16;

    /**
     * The one row of the query's answer whose value in one of {@code columns} is {@link #same} as {@code value};
     * empty when none is, or more than one.
     */
    private Optional<SqlUserRow> holding(PreparedStatement ps, List<Column> columns, String value)
        throws SQLException {
        ps.setMaxRows(COLLATION_PEERS);
        SqlUserRow found = null;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean holds = false;
                for (Column col : columns) {
                    holds |= same(rs.getString(selected.indexOf(col) + 1), value);
                }
                if (holds) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = read(rs);
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Does a stored identifier equal the one asked for: letter for letter, or, with case-insensitive matching, after
     * both are lower-cased without regard to locale. Accents, Turkish dotless or dotted i and the like never match
     * their plain letters, whatever the database's collation says.
     */
    boolean same(String stored, String asked) {
        if (stored == null || asked == null) {
            return false;
        }
        return caseInsensitive ? stored.toLowerCase(Locale.ROOT).equals(asked.toLowerCase(Locale.ROOT))
            : stored.equals(asked);
    }

    Optional<SqlUserRow> findByAttribute(Connection c, Column column, String value) throws SQLException {
        try (PreparedStatement ps = prepare(c, select + " WHERE " + column.quoted() + " = ?")) {
            bind(ps, 1, column, value);
            ps.setMaxRows(2);
            return single(ps);
        }
    }

    private String equalsCondition(Column col) {
        return caseInsensitive ? "LOWER(" + col.quoted() + ") = ?" : col.quoted() + " = ?";
    }

    /** A WHERE clause and its parameters, from Keycloak's user search parameters; null when nothing can match. */
    record Filter(String where, List<Object> params) {
    }

    Filter filter(Map<String, String> params) {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        String search = params.get(UserModel.SEARCH);
        if (search != null) {
            List<Column> searchable = new ArrayList<>(credentials);
            for (Column col : new Column[] {email, firstName, lastName}) {
                if (col != null && !searchable.contains(col)) {
                    searchable.add(col);
                }
            }
            for (String term : search.trim().split("\\s+")) {
                if (term.isEmpty() || term.equals("*")) {
                    continue;
                }
                List<String> any = new ArrayList<>();
                for (Column col : searchable) {
                    any.add(likeOrEquals(col, term, false, values));
                }
                conditions.add("(" + String.join(" OR ", any) + ")");
            }
            return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), values);
        }
        boolean exact = Boolean.parseBoolean(params.get(UserModel.EXACT));
        for (Map.Entry<String, String> p : params.entrySet()) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case UserModel.EXACT, UserModel.INCLUDE_SERVICE_ACCOUNT -> {
                    // modifiers, not filters
                }
                case UserModel.USERNAME -> conditions.add(likeOrEquals(credentials.get(0), value, exact, values));
                case UserModel.EMAIL, UserModel.FIRST_NAME, UserModel.LAST_NAME -> {
                    Column col = columnFor(key);
                    if (col == null) {
                        return null;
                    }
                    conditions.add(likeOrEquals(col, value, exact, values));
                }
                case UserModel.ENABLED -> {
                    if (enabled == null) {
                        if (!Boolean.parseBoolean(value)) {
                            return null;
                        }
                    } else {
                        conditions.add(enabled.quoted() + " = ?");
                        values.add(enabledValue(enabled, Boolean.parseBoolean(value)));
                    }
                }
                default -> {
                    Column col = attributes.get(key);
                    if (col == null) {
                        // identity-provider links, creation time, email-verified and unmapped attributes are
                        // Keycloak-side data the table cannot filter on
                        return null;
                    }
                    conditions.add(col.quoted() + " = ?");
                    values.add(value);
                }
            }
        }
        return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), values);
    }

    /** Keycloak's search semantics: {@code "x"} exact, {@code *} wildcard, otherwise a prefix match, case-insensitive. */
    private static String likeOrEquals(Column col, String raw, boolean exact, List<Object> values) {
        String v = raw.trim();
        if (exact || (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\""))) {
            values.add((exact ? v : v.substring(1, v.length() - 1)).toLowerCase(Locale.ROOT));
            return "LOWER(" + col.quoted() + ") = ?";
        }
        String pattern = v.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_")
            .replace("*", "%");
        if (!pattern.endsWith("%")) {
            pattern += "%";
        }
        values.add(pattern);
        return "LOWER(" + col.quoted() + ") LIKE ? ESCAPE '!'";
    }

    List<SqlUserRow> search(Connection c, Filter filter, Integer first, Integer max) throws SQLException {
        StringBuilder sql = new StringBuilder(select).append(filter.where()).append(" ORDER BY ").append(id.quoted());
        boolean limit = max != null && max >= 0;
        boolean offset = first != null && first > 0;
        if (limit) {
            sql.append(" LIMIT ?");
        }
        if (offset) {
            sql.append(limit ? " OFFSET ?" : " LIMIT " + Long.MAX_VALUE + " OFFSET ?");
        }
        try (PreparedStatement ps = prepare(c, sql.toString())) {
            int i = bindAll(ps, filter.params());
            if (limit) {
                ps.setInt(i++, max);
            }
            if (offset) {
                ps.setInt(i, first);
            }
            List<SqlUserRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SqlUserRow row = read(rs);
                    if (row != null) {
                        rows.add(row);
                    }
                }
            }
            return rows;
        }
    }

    int count(Connection c, Filter filter) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM " + quotedTable + filter.where())) {
            bindAll(ps, filter.params());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Inserts a row for a new user: its username, a placeholder password, the id as the config generates it, the
     * timestamps, the insert defaults, and for every other column the table requires (NOT NULL without a default) an
     * empty value of its type, which the profile fields that follow (as updates in the same transaction) replace.
     * Returns the row's id.
     */
    String insert(Connection c, String username) throws SQLException {
        Map<Column, Object> values = new LinkedHashMap<>();
        String newId = switch (idGeneration) {
            case UUID -> UUID.randomUUID().toString();
            case CUID -> Cuid.next();
            case DATABASE -> {
                if (id.generated()) {
                    yield null;
                }
                if (id.numeric()) {
                    throw new SqlWriteException("the ID column " + id.name() + " is numeric but has no database "
                        + "default or auto-increment");
                }
                yield UUID.randomUUID().toString();
            }
        };
        if (newId != null) {
            values.put(id, id.uuid() ? UUID.fromString(newId) : newId);
        }
        values.put(credentials.get(0), username);
        values.putIfAbsent(password, ""); // no password yet: an empty hash never verifies
        for (Column stamp : new Column[] {createdAt, updatedAt}) {
            if (stamp != null) {
                values.putIfAbsent(stamp, now(stamp));
            }
        }
        insertDefaults.forEach((col, value) -> values.putIfAbsent(col, typed(col, value)));
        if (enabled != null) {
            values.putIfAbsent(enabled, enabledValue(enabled, true));
        }
        for (Column required : requiredForInsert) {
            if (!values.containsKey(required)) {
                if (!mapped(required)) {
                    throw new SqlWriteException("column " + required.name() + " is NOT NULL without a default, and "
                        + "neither mapped nor given an insert default");
                }
                values.put(required, emptyValue(required));
            }
        }
        List<Column> cols = List.copyOf(values.keySet());
        String sql = "INSERT INTO " + quotedTable + " (" + String.join(", ", cols.stream().map(Column::quoted).toList())
            + ") VALUES (" + String.join(", ", cols.stream().map(x -> "?").toList()) + ")";
        try (PreparedStatement ps = timed(newId != null ? c.prepareStatement(sql)
            : c.prepareStatement(sql, new String[] {id.name()}))) {
            for (int i = 0; i < cols.size(); i++) {
                ps.setObject(i + 1, values.get(cols.get(i)));
            }
            ps.executeUpdate();
            if (newId != null) {
                return newId;
            }
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (keys.next() && keys.getString(1) != null) {
                    return keys.getString(1);
                }
            }
        }
        // a default the driver does not report as a generated key (e.g. MariaDB DEFAULT uuid()): read it back
        try (PreparedStatement ps = prepare(c, "SELECT " + id.quoted() + " FROM " + quotedTable + " WHERE "
            + credentials.get(0).quoted() + " = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        throw new SqlWriteException("the new row was inserted but its " + id.name() + " could not be read back");
    }

    /** What a required column gets before the profile fills it: the empty value of its type. */
    private Object emptyValue(Column col) {
        if (col.equals(enabled)) {
            return enabledValue(col, true);
        }
        if (col.bool()) {
            return false;
        }
        if (col.numeric()) {
            return 0;
        }
        if (col.uuid()) {
            return UUID.randomUUID();
        }
        if (col.temporal()) {
            return now(col);
        }
        return "";
    }

    /** An insert default typed by its column: booleans, numbers, {@code now} or ISO instants for times, text. */
    private static Object typed(Column col, String value) {
        if (col.bool()) {
            return truthy(value);
        }
        if (col.numeric()) {
            return new java.math.BigDecimal(value.trim());
        }
        if (col.uuid()) {
            return UUID.fromString(value.trim());
        }
        if (col.temporal()) {
            return value.trim().equalsIgnoreCase("now") ? now(col)
                : at(col, java.time.Instant.parse(value.trim()));
        }
        return value;
    }

    /** The current time in the column's own type (UTC): timestamp, timestamptz, datetime, date, epoch seconds or text. */
    static Object now(Column col) {
        return at(col, java.time.Instant.now());
    }

    private static Object at(Column col, java.time.Instant instant) {
        if (col.numeric()) {
            return instant.getEpochSecond();
        }
        String type = col.typeName() == null ? "" : col.typeName().toLowerCase(Locale.ROOT);
        if (col.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE || type.contains("tz") || type.contains("with time zone")) {
            return java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
        }
        if (col.jdbcType() == Types.DATE) {
            return java.time.LocalDate.ofInstant(instant, java.time.ZoneOffset.UTC);
        }
        if (col.jdbcType() == Types.TIMESTAMP) {
            return java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
        }
        return instant.toString();
    }

    /** Whether the table has a column that moves when the application changes a row (the updated-at column). */
    boolean hasChangeColumn() {
        return updatedAt != null;
    }

    /** Whether an index starts with the change column, so that the change signal's read is a range scan. */
    boolean changeColumnIndexed() {
        return changeColumnIndexed;
    }

    /** The change column's name, for what the log says. */
    String changeColumnName() {
        return updatedAt == null ? null : updatedAt.name();
    }

    /** The change column's latest value, as the driver gives it (a timestamp or a number); null for an empty table. */
    Object lastChange(Connection c) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT MAX(" + updatedAt.quoted() + ") FROM " + quotedTable);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** A row the change column says was changed: its id, and the column's value. */
    record Change(String id, Object at) {
    }

    /**
     * The rows whose change column is at or ({@code after}) after {@code since}, oldest first, at most {@code limit}: one range read
     * of the column's index (README asks for one).
     */
    List<Change> changedSince(Connection c, Object since, boolean after, int limit) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT " + id.quoted() + ", " + updatedAt.quoted() + " FROM "
            + quotedTable + " WHERE " + updatedAt.quoted() + (after ? " > ?" : " >= ?") + " ORDER BY " + updatedAt.quoted() + " LIMIT " + limit)) {
            ps.setObject(1, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changes.add(new Change(rs.getString(1), rs.getObject(2)));
                }
            }
        }
        return changes;
    }

    /** Which of these ids (as tableauth gives them) still have a row: one primary-key read of them all. */
    Set<String> existingIds(Connection c, List<String> externalIds) throws SQLException {
        List<Object> keys = new ArrayList<>();
        for (String externalId : externalIds) {
            Object key = keyValue(id, externalId);
            if (key != null) {
                keys.add(key);
            }
        }
        Set<String> present = new java.util.HashSet<>();
        if (keys.isEmpty()) {
            return present;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(keys.size(), "?"));
        try (PreparedStatement ps = prepare(c, "SELECT " + id.quoted() + " FROM " + quotedTable + " WHERE "
            + id.quoted() + " IN (" + marks + ")")) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setObject(i + 1, keys.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        return present;
    }

    /** One stored password hash of this table (any row), or empty when the table has none. */
    Optional<String> sampleHash(Connection c) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + password.quoted() + " FROM " + quotedTable
            + " WHERE " + password.quoted() + " IS NOT NULL AND " + password.quoted() + " <> '' LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    void updatePassword(Connection c, String externalId, String hash) throws SQLException {
        update(c, externalId, password, hash);
    }

    void update(Connection c, String externalId, Column column, String value) throws SQLException {
        updateOne(c, externalId, column, ps -> bind(ps, 1, column, value));
    }

    void updateEnabled(Connection c, String externalId, boolean value) throws SQLException {
        updateOne(c, externalId, enabled, ps -> ps.setObject(1, enabledValue(enabled, value)));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Sets one column of one row, and the updated-at column with it; the row must still be there. */
    private void updateOne(Connection c, String externalId, Column column, Binder value) throws SQLException {
        boolean stamp = updatedAt != null && !updatedAt.equals(column);
        try (PreparedStatement ps = prepare(c, "UPDATE " + quotedTable + " SET " + column.quoted() + " = ?"
            + (stamp ? ", " + updatedAt.quoted() + " = ?" : "") + " WHERE " + id.quoted() + " = ?")) {
            value.bind(ps);
            if (stamp) {
                ps.setObject(2, now(updatedAt));
            }
            ps.setObject(stamp ? 3 : 2, keyValue(id, externalId));
            if (ps.executeUpdate() != 1) {
                throw new SqlWriteException("the user row no longer exists in the table");
            }
        }
    }

    /** Records a login in the last-login column (Django's last_login, Directus's last_access): one UPDATE. */
    void touchLastLogin(Connection c, String externalId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "UPDATE " + quotedTable + " SET " + lastLogin.quoted()
            + " = ? WHERE " + id.quoted() + " = ?")) {
            ps.setObject(1, now(lastLogin));
            ps.setObject(2, keyValue(id, externalId));
            ps.executeUpdate();
        }
    }

    boolean hasLastLogin() {
        return lastLogin != null;
    }

    /** Marks the e-mail verified or not: a boolean, or a timestamp set now / cleared. */
    void updateEmailVerified(Connection c, String externalId, boolean value) throws SQLException {
        Column col = emailVerified;
        updateOne(c, externalId, col, ps -> ps.setObject(1, col.bool() ? (Object) value
            : col.numeric() ? (value ? 1 : 0) : value ? now(col) : null));
    }

    boolean delete(Connection c, String externalId) throws SQLException {
        Object key = keyValue(id, externalId);
        if (key == null) {
            return false;
        }
        try (PreparedStatement ps = prepare(c, "DELETE FROM " + quotedTable + " WHERE " + id.quoted() + " = ?")) {
            ps.setObject(1, key);
            return ps.executeUpdate() == 1;
        }
    }

    private Optional<SqlUserRow> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            SqlUserRow row = read(rs);
            return rs.next() ? Optional.empty() : Optional.ofNullable(row);
        }
    }

    private SqlUserRow read(ResultSet rs) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < selected.size(); i++) {
            values.put(selected.get(i).name(), selected.get(i).bool() || selected.get(i) == enabled
                || selected.get(i) == emailVerified ? rs.getObject(i + 1) : rs.getString(i + 1));
        }
        String username = null;
        for (Column col : credentials) {
            Object v = values.get(col.name());
            if (v != null && !v.toString().isBlank()) {
                username = v.toString();
                break;
            }
        }
        if (username == null) {
            return null; // Keycloak cannot represent a user without a username
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attributes.forEach((attribute, col) -> {
            Object v = values.get(col.name());
            if (v != null) {
                attrs.put(attribute, v.toString());
            }
        });
        String[] names = fullName != null ? FullName.split(string(values, fullName))
            : new String[] {string(values, firstName), string(values, lastName)};
        return new SqlUserRow(
            String.valueOf(values.get(id.name())),
            caseInsensitive ? username.toLowerCase(Locale.ROOT) : username,
            string(values, password),
            string(values, salt),
            string(values, email),
            names[0],
            names[1],
            enabled == null || isEnabledValue(values.get(enabled.name())),
            attrs,
            emailVerified == null ? null : verified(values.get(emailVerified.name())));
    }

    /** An enabled column's value: one of the configured values (e.g. Directus's "active"), else true-ish. */
    private boolean isEnabledValue(Object v) {
        if (enabledValues.isEmpty()) {
            return truthy(v);
        }
        return v != null && enabledValues.stream().anyMatch(e -> e.equalsIgnoreCase(v.toString().trim()));
    }

    /** An e-mail-verified column: a boolean, or a timestamp that is set once verified (Laravel, Devise, Prisma). */
    private static boolean verified(Object v) {
        if (v instanceof Boolean || v instanceof Number) {
            return truthy(v);
        }
        String text = v == null ? "" : v.toString().trim();
        return !text.isEmpty() && !text.equalsIgnoreCase("false") && !text.equals("0");
    }

    private static String string(Map<String, Object> values, Column col) {
        if (col == null) {
            return null;
        }
        Object v = values.get(col.name());
        return v == null ? null : v.toString();
    }

    /** How apps store "enabled": booleans, 0/1, or words; NULL counts as disabled (fail closed). */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        return TRUE_VALUES.contains(v.toString().trim().toLowerCase(Locale.ROOT));
    }

    private Object enabledValue(Column col, boolean value) {
        if (col.bool()) {
            return value;
        }
        if (col.numeric()) {
            return value ? 1 : 0;
        }
        if (!enabledValues.isEmpty()) {
            return value ? enabledValues.get(0) : disabledValue != null ? disabledValue : "disabled";
        }
        return value ? "true" : "false";
    }

    /** An id from Keycloak as the id column's type; null when it cannot be one (e.g. letters for a numeric id). */
    private static Object keyValue(Column col, String value) {
        try {
            if (col.numeric()) {
                return Long.parseLong(value);
            }
            if (col.uuid()) {
                return UUID.fromString(value);
            }
            return value;
        } catch (IllegalArgumentException notThisType) {
            return null;
        }
    }

    private static void bind(PreparedStatement ps, int index, Column col, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, col.jdbcType());
        } else if (col.bool()) {
            ps.setBoolean(index, truthy(value));
        } else if (col.numeric()) {
            try {
                ps.setLong(index, Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                throw new SqlWriteException("The value for " + col.name() + " must be a number.");
            }
        } else {
            ps.setString(index, value);
        }
    }

    private static int bindAll(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object p : params) {
            ps.setObject(i++, p);
        }
        return i;
    }
}
