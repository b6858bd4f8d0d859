package io.tableauth.storage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.tableauth.storage.jdbc.DatabaseFailure;
import org.jboss.logging.Logger;

/**
 * One auth config's users database as this Keycloak node sees it: a circuit breaker. The first failure that means the
 * database is out of reach (down, partitioned, slower than the timeouts, refusing the login) marks it
 * {@link State#UNAVAILABLE}: from then on calls fail at once, without waiting for a connection, and a background
 * check every {@link #PROBE_INTERVAL_SECONDS} seconds ({@link State#PROBING}, the half-open state) tries one
 * connection; when it works the config is {@link State#AVAILABLE} again. Each change is logged once. The state is this
 * node's: another node may well reach the database, and decides for itself.
 */
final class DatabaseHealth implements AutoCloseable {

    /** Breaker states; {@link #ordinal()} is the value of the {@code tableauth_auth_config_state} gauge. */
    enum State {
        /** Closed: calls go to the database. */
        AVAILABLE,
        /** Open: calls fail at once. */
        UNAVAILABLE,
        /** Half-open: one background check is trying a connection; calls still fail at once. */
        PROBING
    }

    static final int PROBE_INTERVAL_SECONDS = 2;

    private static final Logger LOG = Logger.getLogger(DatabaseHealth.class);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tableauth-database-check-timer");
        t.setDaemon(true);
        return t;
    });
    /** Checks wait for a connection (up to the config's connect timeout): never on the timer's own thread. */
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tableauth-database-check");
        t.setDaemon(true);
        return t;
    });

    private final String description;
    private final BooleanSupplier probe;
    private final java.util.function.Consumer<Boolean> onChange;
    private final AtomicReference<State> state = new AtomicReference<>(State.AVAILABLE);
    private volatile long unavailableSince;
    private volatile ScheduledFuture<?> checks;
    private volatile boolean closed;

    /**
     * @param description the config, its realm and database, for the log
     * @param probe       tries one connection and a trivial check; true when the database answered
     * @param onChange    told {@code false} when the database becomes unavailable and {@code true} when it is back
     */
    DatabaseHealth(String description, BooleanSupplier probe, java.util.function.Consumer<Boolean> onChange) {
        this.description = description;
        this.probe = probe;
        this.onChange = onChange;
    }

    State state() {
        return state.get();
    }

    boolean available() {
        return state.get() == State.AVAILABLE;
    }

    /** Fails at once while the database is unavailable. */
    void check(String configName) {
        if (state.get() != State.AVAILABLE) {
            throw new TableUnavailableException(configName);
        }
    }

    /**
     * A call failed. Returns whether the failure made (or found) the database unavailable; a failure of one
     * statement that does not mean the database is out of reach changes nothing.
     */
    boolean failed(Throwable failure) {
        DatabaseFailure kind = DatabaseFailure.of(failure);
        if (!kind.databaseUnreachable()) {
            return false;
        }
        if (state.compareAndSet(State.AVAILABLE, State.UNAVAILABLE)) {
            unavailableSince = System.nanoTime();
            onChange.accept(false);
            LOG.warnf("tableauth: %s is unavailable on this node (%s: %s). Its logins answer 503 at once; the "
                + "database is checked every %d s.", description, kind, rootMessage(failure), PROBE_INTERVAL_SECONDS);
            scheduleChecks();
        }
        return true;
    }

    private synchronized void scheduleChecks() {
        if (closed || (checks != null && !checks.isDone())) {
            return;
        }
        checks = TIMER.scheduleWithFixedDelay(this::startCheck, PROBE_INTERVAL_SECONDS, PROBE_INTERVAL_SECONDS,
            TimeUnit.SECONDS);
    }

    private void startCheck() {
        if (closed || !state.compareAndSet(State.UNAVAILABLE, State.PROBING)) {
            return;
        }
        CHECKS.execute(() -> {
            boolean back;
            try {
                back = probe.getAsBoolean();
            } catch (RuntimeException e) {
                back = false;
            }
            if (back) {
                onChange.accept(true);
                state.set(State.AVAILABLE);
                stopChecks();
                LOG.infof("tableauth: %s is available again on this node, after %d s.", description,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - unavailableSince));
            } else {
                state.compareAndSet(State.PROBING, State.UNAVAILABLE);
                LOG.debugf("tableauth: %s is still unavailable", description);
            }
        });
    }

    private synchronized void stopChecks() {
        if (checks != null) {
            checks.cancel(false);
            checks = null;
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == failure ? String.valueOf(failure.getMessage())
            : failure.getMessage() + " / " + t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        stopChecks();
    }
}
