package io.tableauth.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.jboss.logging.Logger;

/**
 * One auth config's meters on Keycloak's {@code /metrics}: HikariCP's own pool meters ({@code hikaricp_connections},
 * {@code _active}, {@code _idle}, {@code _pending}, {@code _timeout_total}, {@code _acquire_seconds}…) and the
 * config's database state ({@code tableauth_auth_config_state}: 0 available, 1 unavailable, 2 checking), all tagged
 * {@code realm} and {@code config}. They go into Keycloak's registry (Micrometer's global registry, which Keycloak
 * serves) through a composite that only adds the two tags; nothing is kept apart from it.
 */
final class AuthConfigMetrics implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuthConfigMetrics.class);

    private final CompositeMeterRegistry tagged;
    private final Gauge state;

    private AuthConfigMetrics(CompositeMeterRegistry tagged, Gauge state) {
        this.tagged = tagged;
        this.state = state;
    }

    /** The config's meters, or null where Micrometer is not on the class path (never in Keycloak's distribution). */
    static AuthConfigMetrics register(String realm, String config, DatabaseHealth health) {
        try {
            CompositeMeterRegistry tagged = new CompositeMeterRegistry();
            tagged.config().commonTags("realm", realm, "config", config);
            tagged.add(Metrics.globalRegistry);
            Gauge state = Gauge.builder("tableauth.auth.config.state", health, h -> h.state().ordinal())
                .description("State of the auth config's users database on this node: 0 available, 1 unavailable "
                    + "(logins answer 503), 2 being checked")
                .register(tagged);
            return new AuthConfigMetrics(tagged, state);
        } catch (LinkageError e) {
            LOG.debugf("tableauth: no metrics for auth config %s: %s", config, e);
            return null;
        }
    }

    /** HikariCP reports the pool's meters into the same tagged registry. */
    void track(HikariConfig pool) {
        pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(tagged));
    }

    /** Removes the state gauge (the pool removes its own meters when it closes) and lets go of Keycloak's registry. */
    @Override
    public void close() {
        tagged.remove(state);
        // never tagged.close(): a composite closes its children, and the child is Keycloak's registry
        tagged.remove(Metrics.globalRegistry);
    }
}
