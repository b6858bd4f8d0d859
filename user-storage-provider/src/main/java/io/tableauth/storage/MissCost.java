package io.tableauth.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tableauth.keycloak.KeycloakInternals;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * What a failed password login costs on Keycloak's own password logins (the token endpoint's password grant, the
 * login page's form), made the same for a name that is no one's and for a table user's wrong password. Keycloak
 * spends one hash in the realm's algorithm for an unknown name; a table user's wrong password costs a check of the
 * table's hash, often a slower one (bcrypt cost 12 is about 250 ms, the realm's argon2 about 40), sometimes a faster
 * one, and each Keycloak release adds its own work around both. Either difference would tell who exists.
 *
 * <p>So each such request is measured, from the first time tableauth sees it (a lookup, or the password check of a
 * user Keycloak met in its cache) to the end of its transaction, which Keycloak closes before the answer is written.
 * The times are kept per realm on this node ({@link FailureTimes}), and once both kinds have been seen often enough,
 * every failure of either kind waits until the slower kind's usual time: a wait, no CPU, whatever the release does.
 * Until then a model stands in: a name that is no one's waits for the slowest table's usual check less the realm
 * hash, and a wrong password waits for the realm hash's time. A realm without auth configs never comes here, and REST
 * logins even out their own failures ({@code FailureCost}).
 */
final class MissCost {

    private static final Logger LOG = Logger.getLogger(MissCost.class);
    private static final String ATTEMPT = MissCost.class.getName();
    /** Per node, what the realm hash Keycloak spends for an unknown name costs, by algorithm and iterations. */
    private static final Map<String, long[]> REALM_HASH_NANOS = new ConcurrentHashMap<>();
    private static final long REALM_HASH_TIMED_FOR = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private MissCost() {
    }

    /**
     * One password login on Keycloak's own endpoints, from the first time tableauth sees it; at the end of the
     * request's transaction, a failure of ours is timed and held to the usual time of the slower kind.
     */
    private static final class Attempt extends AbstractKeycloakTransaction {

        private final long started;
        private final FailureTimes times;
        /** {@link FailureTimes#REALM_HASH} for a name that is no one's, {@link FailureTimes#TABLE_VERIFY} for a wrong
         * password of a table user, -1 for anything else (a success, a Keycloak user). */
        private int kind = -1;
        /** What the model made this request wait, left out of its measured time. */
        private long modelled;

        Attempt(RealmModel realm, long started) {
            this.started = started;
            this.times = FailureTimes.of("own/" + realm.getId());
        }

        boolean measured() {
            return times.floorNanos() >= 0;
        }

        @Override
        protected void commitImpl() {
            settle();
        }

        @Override
        protected void rollbackImpl() {
            settle();
        }

        private void settle() {
            if (kind < 0) {
                return;
            }
            long took = System.nanoTime() - started;
            times.record(kind, took - modelled);
            long floor = times.floorNanos();
            if (floor >= 0) {
                LOG.debugf("tableauth: a failed password login (%s) took %d us, held to %d us",
                    kind == FailureTimes.TABLE_VERIFY ? "wrong password" : "no such name", took / 1000, floor / 1000);
                FailureTimes.waitFor(floor - took);
            }
        }
    }

    /** A lookup by name or e-mail begins: the first of the request is when a password login starts to count. */
    static void lookupStarts(KeycloakSession session) {
        attempt(session, System.nanoTime());
    }

    /** This request's password login, begun at {@code started} if it is the first sight of it; null for any other. */
    private static Attempt attempt(KeycloakSession session, long started) {
        Object known = session.getAttribute(ATTEMPT);
        if (known != null) {
            return known instanceof Attempt attempt ? attempt : null;
        }
        RealmModel realm = session.getContext().getRealm();
        if (realm == null || !KeycloakInternals.passwordLoginRequest(session.getContext())) {
            session.setAttribute(ATTEMPT, Boolean.FALSE);
            return null;
        }
        Attempt attempt = new Attempt(realm, started);
        try {
            session.getTransactionManager().enlistAfterCompletion(attempt);
        } catch (IllegalStateException e) {
            session.setAttribute(ATTEMPT, Boolean.FALSE); // the request's transaction is over: nothing left to hold
            return null;
        }
        session.setAttribute(ATTEMPT, attempt);
        return attempt;
    }

    /**
     * A lookup by username of {@code model}'s table found no one (Keycloak's login steps ask by username last, after
     * an e-mail that is no one's): where it was the last auth config to ask, the login fails as a name that is no
     * one's.
     */
    static void afterMiss(KeycloakSession session, RealmModel realm, ComponentModel model) {
        Attempt attempt = attempt(session, System.nanoTime());
        if (attempt == null || attempt.kind >= 0) {
            return;
        }
        List<UserStorageProviderModel> configs = SqlUserStorageProviderFactory.enabledAuthConfigs(realm).toList();
        if (configs.isEmpty() || !model.getId().equals(configs.get(configs.size() - 1).getId())) {
            return; // a later auth config may still hold the name
        }
        attempt.kind = FailureTimes.REALM_HASH;
        if (attempt.measured()) {
            return; // held to the measured time at the end of the request
        }
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
        long spent = System.nanoTime() - attempt.started;
        long realmHash = realmHashNanos(session, realm);
        long wait = table - realmHash - spent;
        LOG.debugf("tableauth: a name that is no one's, not yet measured: table check %d us, realm hash %d us, "
            + "lookups %d us, wait %d us", table / 1000, realmHash / 1000, spent / 1000, wait / 1000);
        modelWait(attempt, wait);
    }

    /**
     * A table user's wrong password on Keycloak's own password logins: the login fails as a wrong password. Until
     * measured, it waits for at least the realm hash's time, what a name that is no one's costs.
     *
     * @param started when the password check began (the row's reading included)
     */
    static void afterWrongPassword(KeycloakSession session, RealmModel realm, long started) {
        Attempt attempt = attempt(session, started);
        if (attempt == null) {
            return;
        }
        attempt.kind = FailureTimes.TABLE_VERIFY;
        if (!attempt.measured()) {
            modelWait(attempt, realmHashNanos(session, realm) - (System.nanoTime() - started));
        }
    }

    private static void modelWait(Attempt attempt, long nanos) {
        if (nanos > 0) {
            attempt.modelled += nanos;
            FailureTimes.waitFor(nanos);
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
