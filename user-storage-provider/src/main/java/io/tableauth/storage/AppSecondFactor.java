package io.tableauth.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import io.tableauth.storage.twofactor.DjangoOtp;
import io.tableauth.storage.twofactor.Fortify;
import io.tableauth.storage.twofactor.LaravelEncrypter;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;

/**
 * The application's own second factor for a table user (the auth config's "Application's two-factor data": django-otp's
 * devices, or Laravel Fortify's columns), as Keycloak's credential checks see it: the user is configured for
 * {@code otp} when the application says so, a code is checked and used up by the application's rules, and a recovery
 * code ({@link #RECOVERY_CODE}) is used up in the application's store. Each check runs on its own committed
 * connection. A table out of reach answers "configured" and refuses every code, and so does data that does not
 * decrypt: a user who may have a second factor is never let in without it.
 */
final class AppSecondFactor {

    /**
     * The credential type of an application-kept recovery code: no Keycloak provider supports it, so only the user's
     * auth config checks it ({@code RecoveryCodes} asks it first). The name of the Keycloak-internals constant.
     */
    static final String RECOVERY_CODE = io.tableauth.keycloak.RecoveryCodes.APP_RECOVERY_CODE;
    /** Session attribute: how many recovery codes the user has left in the application's store after one was used. */
    static final String RECOVERY_CODES_LEFT = io.tableauth.keycloak.RecoveryCodes.APP_RECOVERY_CODES_LEFT;

    private static final Logger LOG = Logger.getLogger(AppSecondFactor.class);
    private static final String CONFIGURED = AppSecondFactor.class.getName() + ".configured:";

    private final KeycloakSession session;
    private final ComponentModel model;
    private final SqlAuthConfig runtime;
    private final SqlUserStorageConfig config;

    AppSecondFactor(KeycloakSession session, ComponentModel model, SqlAuthConfig runtime, SqlUserStorageConfig config) {
        this.session = session;
        this.model = model;
        this.runtime = runtime;
        this.config = config;
    }

    @FunctionalInterface
    private interface Check<T> {
        T run(Connection c, Object userId) throws SQLException;
    }

    @FunctionalInterface
    private interface FortifyCheck<T> {
        T run(Connection c, Fortify.Row row, List<byte[]> keys) throws SQLException, LaravelEncrypter.Refused;
    }

    /**
     * Whether the user turned 2FA on in the application: read once per request (Keycloak's conditional step and the
     * code step both ask).
     */
    boolean configured(UserModel user) {
        String asked = CONFIGURED + model.getId() + ":" + user.getId();
        Boolean known = session.getAttribute(asked, Boolean.class);
        if (known == null) {
            known = config.fortify() ? call(user, (c, id) -> Fortify.configured(c, row(c, id)), true)
                : call(user, DjangoOtp::configured, true);
            session.setAttribute(asked, known);
        }
        return known;
    }

    /** A code typed where the one-time code goes: a TOTP code, or a backup code, as django-otp's match_token. */
    boolean verify(UserModel user, String code) {
        if (config.fortify()) {
            long step = fortify(user, (c, row, keys) -> Fortify.verify(c, row, code, keys,
                Fortify.hasCacheTable(c) ? config.laravelCachePrefix() : null, Instant.now()), -1L);
            // and once only through tableauth too, on every node (when the application's cache is not its table)
            return step >= 0 && session.singleUseObjects().putIfAbsent("tableauth-fortify-step:" + model.getId()
                + ":" + user.getId() + ":" + step, 120);
        }
        return call(user, (c, id) -> {
            Instant now = Instant.now();
            if (DjangoOtp.verifyTotp(c, id, code, now)) {
                return true;
            }
            int left = DjangoOtp.redeemStatic(c, id, code, now);
            if (left >= 0) {
                session.setAttribute(RECOVERY_CODES_LEFT, left);
            }
            return left >= 0;
        }, false);
    }

    boolean redeem(UserModel user, String code) {
        int left = config.fortify() ? fortify(user, (c, row, keys) -> Fortify.redeem(c, row, code, keys), -1)
            : call(user, (c, id) -> DjangoOtp.redeemStatic(c, id, code, Instant.now()), -1);
        if (left < 0) {
            return false;
        }
        session.setAttribute(RECOVERY_CODES_LEFT, left);
        return true;
    }

    private Fortify.Row row(Connection c, Object id) throws SQLException {
        UserTable table = runtime.table(c);
        return new Fortify.Row(table.quotedTable(), table.quotedId(), id);
    }

    /**
     * A Fortify check with the application's key from the vault. A secret or codes that do not decrypt (a wrong key,
     * a tampered value) refuse the code, with the reason in the log and never "no second factor".
     */
    private <T> T fortify(UserModel user, FortifyCheck<T> check, T refused) {
        List<byte[]> keys;
        try {
            keys = List.of(LaravelEncrypter.key(SqlUserStorageProviderFactory.resolveVault(session,
                session.getContext().getRealm(), config.appEncryptionKey())));
        } catch (LaravelEncrypter.Refused | RuntimeException e) {
            LOG.warnf("tableauth auth config %s: the application encryption key cannot be used (%s): every "
                + "two-factor code of its users is refused", model.getName(), e.getMessage());
            return refused;
        }
        return call(user, (c, id) -> {
            try {
                return check.run(c, row(c, id), keys);
            } catch (LaravelEncrypter.Refused e) {
                LOG.warnf("tableauth auth config %s: the two-factor data of user %s does not decrypt (%s): the code "
                    + "is refused", model.getName(), user.getId(), e.getMessage());
                return refused;
            }
        }, refused);
    }

    private <T> T call(UserModel user, Check<T> check, T unreachable) {
        Connection c = null;
        boolean broken = false;
        try {
            c = runtime.connection();
            Object id = runtime.table(c).idKey(StorageId.externalId(user.getId()));
            return id == null ? unreachable : check.run(c, id);
        } catch (SQLException | RuntimeException e) {
            broken = e instanceof SQLException;
            LOG.warnf("tableauth auth config %s: the application's second factor of user %s could not be read: %s",
                model.getName(), user.getId(), e.getMessage());
            return unreachable;
        } finally {
            runtime.release(c, broken);
        }
    }
}
