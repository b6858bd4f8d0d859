package io.tableauth.keycloak;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.DefaultBruteForceProtector;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Keycloak's brute-force detection with concurrent attempts of one user serialised instead of refused.
 *
 * <p>Keycloak's default ({@code DefaultBlockingBruteForceProtector}) marks a user "login in progress" when a login
 * checks the lock, and clears the mark only after the request's transaction and the asynchronous job that records
 * the outcome (started on every login, successful ones included) have both committed. Meanwhile any other login of
 * that user is answered "temporarily disabled", which the client sees as a wrong password, although no failure was
 * ever counted. Under load the job lags, so a user's next login can arrive before it commits: correct passwords are
 * refused, more often the more load there is.
 *
 * <p>Here a second attempt of the same user waits (up to {@link #WAIT_MILLIS}) for the first to finish instead, and
 * then checks the lock with the first one's outcome counted: a failure keeps the user's turn until its job has
 * recorded it, a success only until the request ends. So guesses sent in parallel are counted one after the other,
 * as before, and correct logins are never refused for being close together. Like Keycloak's mark, the turn is per
 * node; the failure counts themselves stay in Keycloak's distributed login-failure store.
 */
public class SerializingBruteForceProtector extends DefaultBruteForceProtector {

    private static final Logger LOG = Logger.getLogger(SerializingBruteForceProtector.class);
    /** How long an attempt waits for another attempt of the same user before it is refused as Keycloak would. */
    static final long WAIT_MILLIS = 5_000;
    /** An attempt holding the turn longer than this is stuck (its job failed): the next one takes the turn over. */
    static final long STALE_MILLIS = 30_000;
    private static final String HELD = "tableauth.bruteForceTurn:";

    private final ConcurrentMap<String, Turn> turns = new ConcurrentHashMap<>();

    /** One attempt's turn at a user: released when its request ended and every failure it caused is recorded. */
    private static final class Turn {
        final long started = System.nanoTime();
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger unrecordedFailures = new AtomicInteger();
        volatile boolean requestEnded;

        boolean stale() {
            return System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(STALE_MILLIS);
        }
    }

    public SerializingBruteForceProtector(KeycloakSessionFactory factory) {
        super(factory);
    }

    @Override
    public boolean isTemporarilyDisabled(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!takeTurn(session, realm, user)) {
            return true; // another attempt of this user did not finish in time: refused, as Keycloak refuses it
        }
        return super.isTemporarilyDisabled(session, realm, user);
    }

    @Override
    public boolean isPermanentlyLockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
        if (realm.isPermanentLockout() && !takeTurn(session, realm, user)) {
            return true; // refused as Keycloak refuses it (the answer is the usual invalid-credentials one)
        }
        return super.isPermanentlyLockedOut(session, realm, user);
    }

    /**
     * Takes this request's turn at the user, waiting for an earlier attempt to finish; true when the turn is held.
     * Only logins take turns (a request with an authentication session): other checks of the lock just read it.
     */
    private boolean takeTurn(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!realm.isBruteForceProtected() || session.getContext().getAuthenticationSession() == null) {
            return true;
        }
        String key = HELD + user.getId();
        if (session.getAttribute(key) != null) {
            return true; // this request holds it already
        }
        Turn mine = new Turn();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (true) {
            Turn current = turns.putIfAbsent(user.getId(), mine);
            if (current == null) {
                break;
            }
            if (current.stale() && turns.replace(user.getId(), current, mine)) {
                LOG.warnf("tableauth: a login of user %s held its brute-force turn for over %d s; taken over",
                    user.getId(), STALE_MILLIS / 1000);
                current.released.countDown();
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                current.released.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        session.setAttribute(key, mine);
        String userId = user.getId();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                requestEnded(userId, mine);
            }

            @Override
            protected void rollbackImpl() {
                requestEnded(userId, mine);
            }
        });
        return true;
    }

    private void requestEnded(String userId, Turn turn) {
        turn.requestEnded = true;
        if (turn.unrecordedFailures.get() == 0) {
            release(userId, turn);
        }
    }

    private void release(String userId, Turn turn) {
        turns.remove(userId, turn);
        turn.released.countDown();
    }

    /** A failure keeps the user's turn until the job that records it has committed. */
    /**
     * The auth configs whose users table a call of the current request could not reach: a session attribute of
     * {@code SqlUserStorageProvider.UNAVAILABLE_ATTRIBUTE} (user-storage-provider, not on this module's class path).
     */
    private static final String UNAVAILABLE_CONFIGS = "tableauth.unavailableAuthConfigs";

    /**
     * A login refused because the user's table was out of reach is no guess at a password: it counts no failure (a
     * database outage must not lock users out), as an unknown user's does not.
     */
    private static boolean tableOutOfReach(UserModel user, boolean success) {
        if (success || user == null || user.getFederationLink() == null) {
            return false;
        }
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        Set<?> unavailable = session == null ? null : session.getAttribute(UNAVAILABLE_CONFIGS, Set.class);
        return unavailable != null && unavailable.contains(user.getFederationLink());
    }

    @Override
    protected void processLogin(RealmModel realm, UserModel user, ClientConnection clientConnection, UriInfo uriInfo,
                                boolean success, Set<String> categories) {
        if (tableOutOfReach(user, success)) {
            return;
        }
        failureStarted(user, success);
        super.processLogin(realm, user, clientConnection, uriInfo, success, categories);
    }

    @Override
    public void failure(KeycloakSession session, RealmModel realm, String userId, String remoteAddr, long failureTime,
                        Set<String> categories) {
        recordedAfterCommit(session, userId);
        super.failure(session, realm, userId, remoteAddr, failureTime, categories);
    }

    /**
     * Keycloak 26.4 and 26.5 call this form (no categories); 26.7 has none, so there it is never called. The same
     * bookkeeping, then the release's own method ({@link #LEGACY_PROCESS_LOGIN}).
     */
    protected void processLogin(RealmModel realm, UserModel user, ClientConnection clientConnection, UriInfo uriInfo,
                                boolean success) {
        if (tableOutOfReach(user, success)) {
            return;
        }
        failureStarted(user, success);
        KeycloakInternals.invoke(LEGACY_PROCESS_LOGIN, this, realm, user, clientConnection, uriInfo, success);
    }

    /** Keycloak 26.4 and 26.5's {@code failure}, as {@link #processLogin(RealmModel, UserModel, ClientConnection,
     * UriInfo, boolean)}. */
    protected void failure(KeycloakSession session, RealmModel realm, String userId, String remoteAddr,
                           long failureTime) {
        recordedAfterCommit(session, userId);
        KeycloakInternals.invoke(LEGACY_FAILURE, this, session, realm, userId, remoteAddr, failureTime);
    }

    /**
     * Keycloak 26.6 calls this form (one category); 26.4, 26.5 and 26.7 have none, so there it is never called. The
     * same bookkeeping, then the release's own method ({@link #CATEGORY_PROCESS_LOGIN}).
     */
    protected void processLogin(RealmModel realm, UserModel user, ClientConnection clientConnection, UriInfo uriInfo,
                                boolean success, String category) {
        if (tableOutOfReach(user, success)) {
            return;
        }
        failureStarted(user, success);
        KeycloakInternals.invoke(CATEGORY_PROCESS_LOGIN, this, realm, user, clientConnection, uriInfo, success,
            category);
    }

    /** Keycloak 26.6's {@code failure}, as {@link #processLogin(RealmModel, UserModel, ClientConnection, UriInfo,
     * boolean, String)}. */
    protected void failure(KeycloakSession session, RealmModel realm, String userId, String remoteAddr,
                           long failureTime, String category) {
        recordedAfterCommit(session, userId);
        KeycloakInternals.invoke(CATEGORY_FAILURE, this, session, realm, userId, remoteAddr, failureTime, category);
    }

    /** The parent's forms without categories, on releases that have them (26.4, 26.5); null elsewhere. */
    private static final MethodHandle LEGACY_PROCESS_LOGIN = releaseSuper(false, "processLogin",
        MethodType.methodType(void.class, RealmModel.class, UserModel.class, ClientConnection.class, UriInfo.class,
            boolean.class));
    private static final MethodHandle LEGACY_FAILURE = releaseSuper(false, "failure", MethodType.methodType(void.class,
        KeycloakSession.class, RealmModel.class, String.class, String.class, long.class));
    /** The parent's forms with one category, on 26.6; null elsewhere. */
    private static final MethodHandle CATEGORY_PROCESS_LOGIN = releaseSuper(true, "processLogin",
        MethodType.methodType(void.class, RealmModel.class, UserModel.class, ClientConnection.class, UriInfo.class,
            boolean.class, String.class));
    private static final MethodHandle CATEGORY_FAILURE = releaseSuper(true, "failure", MethodType.methodType(
        void.class, KeycloakSession.class, RealmModel.class, String.class, String.class, long.class, String.class));

    /** The parent's method of this release: the 26.6 forms ({@code oneCategory}), or 26.4 and 26.5's. */
    private static MethodHandle releaseSuper(boolean oneCategory, String name, MethodType type) {
        KeycloakRelease release = KeycloakInternals.release();
        if (!release.supported() || (oneCategory ? !release.is26_6() : !release.before26_6())) {
            return null;
        }
        try {
            return MethodHandles.lookup().findSpecial(DefaultBruteForceProtector.class, name, type,
                SerializingBruteForceProtector.class);
        } catch (ReflectiveOperationException e) {
            throw KeycloakInternals.missing("DefaultBruteForceProtector." + name + type, e);
        }
    }

    private void failureStarted(UserModel user, boolean success) {
        if (!success) {
            Turn turn = turns.get(user.getId());
            if (turn != null) {
                turn.unrecordedFailures.incrementAndGet();
            }
        }
    }

    private void recordedAfterCommit(KeycloakSession session, String userId) {
        Turn turn = turns.get(userId);
        if (turn != null) {
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    recorded(userId, turn);
                }

                @Override
                protected void rollbackImpl() {
                    recorded(userId, turn);
                }
            });
        }
    }

    private void recorded(String userId, Turn turn) {
        if (turn.unrecordedFailures.get() > 0 && turn.unrecordedFailures.decrementAndGet() == 0 && turn.requestEnded) {
            release(userId, turn);
        }
    }
}
