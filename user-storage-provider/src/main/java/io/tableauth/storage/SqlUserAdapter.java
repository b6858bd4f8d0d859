package io.tableauth.storage;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.adapter.AbstractUserAdapterFederatedStorage;

/**
 * A user of an auth config: username, e-mail, names, enabled and mapped attributes come from the table row (and
 * are written back in writable mode); everything else Keycloak keeps about the user (roles, groups, required
 * actions, OTP credentials, other attributes) lives in Keycloak's federated storage, keyed by this user's id.
 */
final class SqlUserAdapter extends AbstractUserAdapterFederatedStorage {

    private final SqlUserStorageProvider provider;
    private SqlUserRow row;
    /**
     * With a full-name column: the first and last name as this adapter last saw or set them. Written one after the
     * other (a sign-up sets both), each write joins the two, which re-splitting the column could not always give back.
     */
    private String firstName;
    private String lastName;

    SqlUserAdapter(KeycloakSession session, RealmModel realm, SqlUserStorageProvider provider, SqlUserRow row) {
        super(session, realm, provider.model());
        this.provider = provider;
        this.row = row;
        this.firstName = row.firstName();
        this.lastName = row.lastName();
    }

    SqlUserRow row() {
        return row;
    }

    private String externalId() {
        return row.id();
    }

    @Override
    public String getId() {
        if (storageId == null) {
            storageId = new StorageId(storageProviderModel.getId(), row.id());
        }
        return storageId.getId();
    }

    @Override
    public String getUsername() {
        return row.username();
    }

    @Override
    public void setUsername(String username) {
        if (!sameText(username, row.username())) {
            writeColumn(UserModel.USERNAME, username, UserTable::credential);
        }
    }

    @Override
    public boolean isEnabled() {
        return provider.config().enabledColumn() == null ? super.isEnabled() : row.enabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        if (provider.config().enabledColumn() == null) {
            super.setEnabled(enabled);
        } else if (enabled != row.enabled()) {
            writeBack("enabling and disabling users", (c, t) -> t.updateEnabled(c, externalId(), enabled));
        }
    }

    /** Keycloak's federated attributes of this user, read once per request ({@code federatedAttributes}). */
    private org.keycloak.common.util.MultivaluedHashMap<String, String> federated() {
        return provider.federatedAttributes(realm, getId());
    }

    /** Whether an attribute is stored in a column of the table (else in Keycloak's federated storage). */
    private boolean columnBacked(String name) {
        return switch (name) {
            case UserModel.USERNAME -> true;
            case UserModel.EMAIL -> provider.config().emailColumn() != null;
            case UserModel.FIRST_NAME -> provider.config().firstNameColumn() != null
                || provider.config().fullNameColumn() != null;
            case UserModel.LAST_NAME -> provider.config().lastNameColumn() != null
                || provider.config().fullNameColumn() != null;
            default -> provider.config().attributeColumns().containsKey(name);
        };
    }

    private String columnValue(String name) {
        return switch (name) {
            case UserModel.USERNAME -> row.username();
            case UserModel.EMAIL -> row.email();
            case UserModel.FIRST_NAME -> provider.config().fullNameColumn() != null ? firstName : row.firstName();
            case UserModel.LAST_NAME -> provider.config().fullNameColumn() != null ? lastName : row.lastName();
            default -> row.attributes().get(name);
        };
    }

    @Override
    public String getFirstAttribute(String name) {
        return columnBacked(name) ? columnValue(name) : federated().getFirst(mapAttribute(name));
    }

    @Override
    public Stream<String> getAttributeStream(String name) {
        if (columnBacked(name)) {
            String v = columnValue(name);
            return v == null ? Stream.empty() : Stream.of(v);
        }
        List<String> values = federated().get(mapAttribute(name));
        return values == null ? Stream.empty() : List.copyOf(values).stream();
    }

    @Override
    public Map<String, List<String>> getAttributes() {
        Map<String, List<String>> attributes = new HashMap<>();
        federated().forEach((name, values) -> attributes.put(name, new java.util.ArrayList<>(values)));
        // as Keycloak's federated adapter names them (its getAttributes)
        attributes.put(UserModel.FIRST_NAME, firstOf(attributes.remove(FIRST_NAME_ATTRIBUTE)));
        attributes.put(UserModel.LAST_NAME, firstOf(attributes.remove(LAST_NAME_ATTRIBUTE)));
        attributes.put(UserModel.EMAIL, firstOf(attributes.remove(EMAIL_ATTRIBUTE)));
        attributes.put(UserModel.USERNAME, firstOf(List.of(getUsername())));
        for (String name : List.of(UserModel.EMAIL, UserModel.FIRST_NAME, UserModel.LAST_NAME)) {
            if (columnBacked(name)) {
                attributes.put(name, listOf(columnValue(name)));
            }
        }
        provider.config().attributeColumns().keySet().forEach(name -> attributes.put(name, listOf(columnValue(name))));
        return attributes;
    }

    /**
     * Whether a copy of this user that Keycloak's user cache holds says something else than this row about what a
     * login decides on or shows: the username, the column-backed e-mail, names and mapped attributes, enabled and
     * e-mail verified. Reads nothing from Keycloak's federated storage.
     */
    boolean differsFrom(UserModel held) {
        if (!sameIgnoringCase(row.username(), held.getUsername())) {
            return true;
        }
        if (provider.config().enabledColumn() != null && row.enabled() != held.isEnabled()) {
            return true;
        }
        boolean verified = Boolean.TRUE.equals(row.emailVerified());
        if (provider.config().emailVerifiedColumn() != null && verified != held.isEmailVerified()
            && (verified || provider.config().writable())) {
            return true; // a read-only table's unset column may stand beside Keycloak's own flag
        }
        if (columnBacked(UserModel.EMAIL) && !sameIgnoringCase(row.email(), held.getEmail())) {
            return true;
        }
        for (String name : List.of(UserModel.FIRST_NAME, UserModel.LAST_NAME)) {
            if (columnBacked(name) && !Objects.equals(columnValue(name), held.getFirstAttribute(name))) {
                return true;
            }
        }
        return provider.config().attributeColumns().keySet().stream()
            .anyMatch(name -> !Objects.equals(columnValue(name), held.getFirstAttribute(name)));
    }

    private static boolean sameIgnoringCase(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

    /** A list holding the first value, or null as Keycloak's adapter has it when there is none. */
    private static List<String> firstOf(List<String> values) {
        List<String> one = new java.util.ArrayList<>(1);
        one.add(values == null || values.isEmpty() ? null : values.get(0));
        return one;
    }

    private static List<String> listOf(String value) {
        return value == null ? List.of() : List.of(value);
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        if (UserModel.USERNAME.equals(name) && provider.config().usernameIsEmail()) {
            return; // the login column is the e-mail column: the username follows the e-mail
        }
        if (!columnBacked(name)) {
            provider.forgetFederatedAttributes(getId());
            super.setSingleAttribute(name, value);
        } else if (!sameText(value, columnValue(name))) {
            writeColumn(name, value, t -> t.columnFor(name));
        }
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        if (!columnBacked(name)) {
            provider.forgetFederatedAttributes(getId());
            super.setAttribute(name, values);
        } else {
            setSingleAttribute(name, values == null || values.isEmpty() ? null : values.get(0));
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (!columnBacked(name)) {
            provider.forgetFederatedAttributes(getId());
            super.removeAttribute(name);
        } else if (columnValue(name) != null) {
            writeColumn(name, null, t -> t.columnFor(name));
        }
    }

    private void writeColumn(String name, String value, java.util.function.Function<UserTable, UserTable.Column> column) {
        if (provider.config().fullNameColumn() != null
            && (UserModel.FIRST_NAME.equals(name) || UserModel.LAST_NAME.equals(name))) {
            // one column for the whole name: written whole, with the other part as it is now
            if (UserModel.FIRST_NAME.equals(name)) {
                firstName = value;
            } else {
                lastName = value;
            }
            String whole = FullName.join(firstName, lastName);
            writeBack(name, (c, t) -> t.update(c, externalId(), t.fullName(), whole));
            return;
        }
        writeBack(name, (c, t) -> t.update(c, externalId(), column.apply(t), value));
    }

    /** Verified when the table says so (a set column), or when Keycloak recorded it for a read-only table. */
    @Override
    public boolean isEmailVerified() {
        return Boolean.TRUE.equals(row.emailVerified()) || super.isEmailVerified();
    }

    @Override
    public void setEmailVerified(boolean verified) {
        if (provider.config().emailVerifiedColumn() == null) {
            super.setEmailVerified(verified);
        } else if (verified != Boolean.TRUE.equals(row.emailVerified())) {
            if (provider.config().writable()) {
                writeBack("e-mail verification", (c, t) -> t.updateEmailVerified(c, externalId(), verified));
            } else {
                super.setEmailVerified(verified); // a read-only table: Keycloak keeps the flag, the column stays
            }
        }
    }

    @FunctionalInterface
    private interface RowUpdate {
        void run(java.sql.Connection c, UserTable t) throws java.sql.SQLException;
    }

    /** Writes a change of this user to the table (refused in read-only mode) and reads the row back. */
    private void writeBack(String what, RowUpdate update) {
        provider.requireWritable(what);
        provider.write((c, t) -> {
            update.run(c, t);
            return null;
        });
        reload();
    }

    private void reload() {
        row = provider.row(externalId()).orElse(row);
    }

    /** Keycloak lowercases usernames and e-mails, so case alone is not a change. */
    private static boolean sameText(String a, String b) {
        if (a == null || b == null) {
            return Objects.equals(a, b);
        }
        return a.equals(b) || a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
