package io.tableauth.rest.core;

import io.tableauth.keycloak.RecordingEvents;
import io.tableauth.storage.FailureTimes;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;

/** The cost of a failed login, made the same whoever the user is, so that its time tells nothing. */
final class FailureCost {

    private static final Logger LOG = Logger.getLogger(FailureCost.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    FailureCost(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * Makes every "invalid credentials" answer take the same time, whoever the user is. Keycloak already spent one
     * hash: a dummy hash in the realm's algorithm for an unknown or locked user, the realm hash of a Keycloak user, the
     * table verify of a table user. Once this scope has seen enough failures of both kinds ({@link FailureTimes}),
     * the answer waits until the slower kind's usual time; until then, and when the scope never sees one of the
     * kinds, this spends the other hash instead. So neither the answer nor its time tells an unknown user from a
     * wrong password, for table users and Keycloak users alike, and a failure costs one hash, not two.
     *
     * @param grantNanos how long Keycloak's grant took for this failure
     */
    public void equalize(Project project, RecordingEvents event, String password, long grantNanos) {
        String error = event.sentError();
        String userId = event.userId();
        boolean tableVerified = userId != null && userId.startsWith("f:")
            && (Errors.INVALID_USER_CREDENTIALS.equals(error) || Errors.USER_DISABLED.equals(error));
        FailureTimes times = FailureTimes.of(realm.getId() + "/"
            + (project.authConfigId() == null ? "*" : project.authConfigId()));
        times.record(tableVerified ? FailureTimes.TABLE_VERIFY : FailureTimes.REALM_HASH, grantNanos);
        long floor = times.floorNanos();
        if (floor >= 0) {
            FailureTimes.waitFor(floor - grantNanos);
        } else if (tableVerified) {
            spendRealmDummyHash();
        } else {
            spendTableDummyVerify(project, password);
        }
    }

    private void spendRealmDummyHash() {
        PasswordPolicy policy = realm.getPasswordPolicy();
        PasswordHashProvider provider = policy != null && policy.getHashAlgorithm() != null
            ? session.getProvider(PasswordHashProvider.class, policy.getHashAlgorithm())
            : session.getProvider(PasswordHashProvider.class);
        provider.encodedCredential("SlightlyLongerDummyPassword", policy != null ? policy.getHashIterations() : -1);
    }

    private void spendTableDummyVerify(Project project, String password) {
        ComponentModel config = project.authConfig() != null ? project.authConfig()
            : SqlUserStorageProviderFactory.enabledAuthConfigs(realm).findFirst().orElse(null);
        if (config == null) {
            return;
        }
        SqlUserStorageProviderFactory factory = (SqlUserStorageProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(UserStorageProvider.class, SqlUserStorageProviderFactory.PROVIDER_ID);
        try {
            factory.dummyVerify(session, config, password);
        } catch (RuntimeException e) {
            LOG.debugf("tableauth: dummy verify for %s failed: %s", config.getName(), e.getMessage());
        }
    }
}
