package io.tableauth.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tableauth.keycloak.KeycloakInternals;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * What a name that is no one's costs on Keycloak's own password logins (the token endpoint's password grant, the
 * login page's form), made what a table user's wrong password costs. Keycloak spends one hash in the realm's
 * algorithm for an unknown name; a table user's wrong password costs a check of the table's hash, often a slower one
 * (bcrypt cost 12 is about 250 ms, the realm's argon2 about 40), which told who exists. So when the last of a realm's
 * auth configs (by priority) misses the name too, the request waits for the slowest table's usual check time, less
 * the realm hash Keycloak is about to spend and less what the request's lookups in every table took (a known name
 * is usually met in Keycloak's cache): no CPU, once per request. Until this node has timed three checks of a table,
 * a dummy check of one of its hashes is spent instead. A realm without auth configs never comes here, and REST
 * logins even out their own failures ({@code FailureCost}).
 */
final class MissCost {

    private static final Logger LOG = Logger.getLogger(MissCost.class);
    private static final String SPENT = MissCost.class.getName();
    private static final String STARTED = MissCost.class.getName() + ".started";
    /** Per node, what the realm hash Keycloak spends for an unknown name costs, by algorithm and iterations. */
    private static final Map<String, long[]> REALM_HASH_NANOS = new ConcurrentHashMap<>();
    private static final long REALM_HASH_TIMED_FOR = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private MissCost() {
    }

    /** A lookup by name or e-mail begins: the first of the request is when a name that is no one's starts to cost. */
    static void lookupStarts(KeycloakSession session) {
        if (session.getAttribute(STARTED) == null) {
            session.setAttribute(STARTED, System.nanoTime());
        }
    }

    /**
     * A lookup by username of {@code model}'s table found no one (Keycloak's login steps ask by username last, after
     * an e-mail that is no one's): evens out the failed login's time where it is one.
     */
    static void afterMiss(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (session.getAttribute(SPENT) != null || !KeycloakInternals.passwordLoginRequest(session.getContext())) {
            return;
        }
        List<UserStorageProviderModel> configs = SqlUserStorageProviderFactory.enabledAuthConfigs(realm).toList();
        if (configs.isEmpty() || !model.getId().equals(configs.get(configs.size() - 1).getId())) {
            return; // a later auth config may still hold the name
        }
        session.setAttribute(SPENT, Boolean.TRUE);
        SqlUserStorageProviderFactory factory = (SqlUserStorageProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(UserStorageProvider.class, SqlUserStorageProviderFactory.PROVIDER_ID);
        // The slowest table's usual check: the name could have been any table's user.
        long table = configs.stream().mapToLong(c -> factory.runtime(session, c).typicalVerifyNanos()).max()
            .orElse(-1);
        if (table < 0) {
            factory.runtime(session, configs.get(0)).dummyVerify(null);
            return;
        }
        // A known name is usually met in Keycloak's cache; the lookups a miss made in every table count as spent.
        Long started = session.getAttribute(STARTED, Long.class);
        long spent = started == null ? 0 : System.nanoTime() - started;
        long realmHash = realmHashNanos(session, realm);
        long wait = table - realmHash - spent;
        LOG.debugf("tableauth: a name that is no one's: table check %d us, realm hash %d us, lookups %d us, wait %d us",
            table / 1000, realmHash / 1000, spent / 1000, wait / 1000);
        waitFor(wait);
    }

    /**
     * A table user's wrong password on Keycloak's own password logins: it costs at least what the realm's hash costs a
     * name that is no one's. Where the realm's hash is the slower one (PBKDF2-SHA512 at 210,000 rounds against a
     * table's bcrypt at cost 10, on some machines), a wrong password answered sooner than a name that is no one's, and
     * so told who exists: {@link #afterMiss} only ever made the unknown name wait. No CPU: a wait.
     *
     * @param started when the password check began (the row's reading included)
     */
    static void afterWrongPassword(KeycloakSession session, RealmModel realm, long started) {
        if (!KeycloakInternals.passwordLoginRequest(session.getContext())) {
            return;
        }
        long wait = realmHashNanos(session, realm) - (System.nanoTime() - started);
        waitFor(wait);
    }

    /** Waits this long, when it is more than nothing: no CPU. */
    private static void waitFor(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The realm's dummy hash time on this node, by algorithm and iterations: the fastest of five, after two to warm up
     * (what a hash costs without interference, as the one Keycloak spends for a name that is no one's mostly runs),
     * timed again every five minutes, since a first timing runs cold. Seven hashes per five minutes per node.
     */
    private static long realmHashNanos(KeycloakSession session, RealmModel realm) {
        PasswordPolicy policy = realm.getPasswordPolicy();
        String algorithm = policy != null ? policy.getHashAlgorithm() : null;
        int iterations = policy != null ? policy.getHashIterations() : -1;
        String key = algorithm + ":" + iterations;
        long[] known = REALM_HASH_NANOS.get(key);
        if (known != null && System.nanoTime() - known[1] < REALM_HASH_TIMED_FOR) {
            return known[0];
        }
        PasswordHashProvider provider = algorithm != null
            ? session.getProvider(PasswordHashProvider.class, algorithm)
            : session.getProvider(PasswordHashProvider.class);
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long started = System.nanoTime();
            provider.encodedCredential("SlightlyLongerDummyPassword", iterations);
            if (i >= 2) {
                fastest = Math.min(fastest, System.nanoTime() - started);
            }
        }
        REALM_HASH_NANOS.put(key, new long[] {fastest, System.nanoTime()});
        return fastest;
    }
}
