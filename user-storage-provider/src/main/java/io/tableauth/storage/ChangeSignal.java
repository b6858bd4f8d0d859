package io.tableauth.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStorageProvider;

/**
 * An auth config's change signal: the application's own changes to its users table, seen within seconds instead of
 * the cache lifespan. Every {@code changeSignalSeconds}, one Keycloak node reads the rows whose updated-at column is at
 * or after the last value it saw (one range read of that column) and hands each to
 * {@link SqlUserStorageProvider#changedInTable}: the held copy is dropped on every node, and a row disabled or
 * re-hashed ends the user's sessions and tokens.
 * <p>
 * One node per interval: each node that serves the config ticks, and the first to claim the interval's slot in
 * Keycloak's single-use store (atomic across the cluster) reads. The mark is each node's own and moves only to values
 * seen a while ago ({@link #OVERLAP_MILLIS}), so a row whose transaction committed late, or one another node read
 * last, is read again; handling a row twice is harmless (the drop repeats, the sessions are already gone). Nothing
 * runs per request.
 * <p>
 * Rows deleted outright leave no updated-at: each node also asks, every interval, which of the users its own user
 * cache holds of this config still have a row ({@link #sweepDeleted}). A config without an updated-at column gets
 * that part only. A deleted user no node holds needs nothing: their next token use reads the table and is refused.
 */
final class ChangeSignal {

    private static final Logger LOG = Logger.getLogger(ChangeSignal.class);
    /** How far back of the newest value seen the next read starts: commits that land late are still met. */
    static final long OVERLAP_MILLIS = 15_000;
    /** Rows read per interval at most; the next interval goes on from the last. */
    static final int BATCH = 500;
    /** Held users whose rows one interval checks at most, on each node. */
    static final int SWEPT = 5_000;
    private static final String SLOT = "tableauth-change-signal:";

    private final String configId;
    private final String realmId;
    /** The newest change value seen, and when (this node's clock), oldest first. */
    private final Deque<Object[]> seen = new ArrayDeque<>();
    /**
     * Rows handled at the change value they had, and how often: the overlap hands a row over again, and it is handled
     * twice (a second change in the same tick of a coarse column, after the first read, is met by the second read).
     */
    private final Map<String, Object[]> handled = new HashMap<>();
    private Object mark;
    /** A value more rows hold than one read takes: a read from it starts after it (see the bulk case). */
    private Object past;
    private long nextMillis;
    private long sweepTurn;
    private boolean warned;

    ChangeSignal(String configId, String realmId) {
        this.configId = configId;
        this.realmId = realmId;
    }

    /**
     * When this config's interval is due: the rows of the users this node holds that are gone (every node, for its
     * own cache), then, on the one node that claims the interval, the rows changed since the last read.
     */
    synchronized void tick(KeycloakSessionFactory factory, SqlAuthConfig runtime, long nowMillis) {
        int seconds = runtime.config().changeSignalSeconds();
        if (seconds <= 0 || nowMillis < nextMillis) {
            return;
        }
        nextMillis = nowMillis + seconds * 1000L;
        sweepDeleted(factory, runtime);
        if (runtime.config().updatedAtColumn() == null) {
            return;
        }
        long slot = nowMillis / (seconds * 1000L);
        boolean[] mine = {false};
        KeycloakModelUtils.runJobInTransaction(factory, session ->
            mine[0] = session.singleUseObjects().putIfAbsent(SLOT + configId + ":" + slot, Math.max(2, seconds * 2)));
        if (!mine[0]) {
            return;
        }
        List<UserTable.Change> changes;
        try (Connection c = runtime.connection()) {
            UserTable table = runtime.table(c);
            if (!table.hasChangeColumn()) {
                return;
            }
            if (mark == null) {
                if (!table.changeColumnIndexed() && !warned) {
                    warned = true;
                    LOG.warnf("tableauth auth config %s: its change signal reads the column %s, which no index of "
                        + "the table starts with, so each read (every %d s) scans the table. Index it, or set the "
                        + "change signal to 0.", runtime.name(), table.changeColumnName(), seconds);
                }
                mark = table.lastChange(c);
                if (mark != null) {
                    seen.add(new Object[] {mark, nowMillis - OVERLAP_MILLIS});
                }
                return; // from now on
            }
            changes = table.changedSince(c, mark, java.util.Objects.equals(mark, past), BATCH);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("tableauth: the change signal of auth config %s could not read its table: %s", configId,
                e.getMessage());
            return; // the breaker and its log say why; the next interval tries again
        }
        List<String> ids = new ArrayList<>();
        for (UserTable.Change change : changes) {
            Object[] before = handled.get(change.id());
            boolean same = before != null && java.util.Objects.equals(before[0], change.at());
            if (change.id() != null && (!same || (int) before[1] < 2)) {
                ids.add(change.id());
                handled.put(change.id(), new Object[] {change.at(), same ? 2 : 1});
            }
        }
        if (!ids.isEmpty()) {
            handle(factory, ids);
            LOG.debugf("tableauth: the change signal of auth config %s met %d changed rows", configId, ids.size());
        }
        if (changes.size() == BATCH) {
            // more changes than one read takes: go on from the last at once
            Object last = changes.get(BATCH - 1).at();
            if (java.util.Objects.equals(changes.get(0).at(), last)) {
                // one value holds more rows than a read (a bulk UPDATE): every held user of the realm is dropped,
                // and the next read starts after that value
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealm(realmId);
                    org.keycloak.models.cache.UserCache cache = session.getProvider(org.keycloak.models.cache.UserCache.class);
                    if (realm != null && cache != null) {
                        cache.evict(realm);
                    }
                });
                past = last;
            }
            mark = last;
            seen.clear();
            seen.add(new Object[] {mark, nowMillis - OVERLAP_MILLIS});
        } else if (!changes.isEmpty()) {
            seen.add(new Object[] {changes.get(changes.size() - 1).at(), nowMillis});
        }
        // the mark moves to the newest value seen at least the overlap ago (kept as the head; older ones go)
        Object[] due = null;
        while (!seen.isEmpty() && (long) seen.peekFirst()[1] <= nowMillis - OVERLAP_MILLIS) {
            due = seen.pollFirst();
        }
        if (due != null) {
            mark = due[0];
            seen.addFirst(due);
        }
        if (handled.size() > 4 * BATCH) {
            handled.clear(); // a row met again is handled again: harmless
        }
    }

    /**
     * Rows deleted outright leave no updated-at to read. Keycloak's user cache is each node's own, so each node asks
     * the table which of the users it holds of this config still have a row (one primary-key read per
     * {@value #BATCH}, at most {@value #SWEPT} users an interval, taken in turns beyond that); a user whose row is gone
     * is handled as a change (dropped, sessions ended).
     */
    private void sweepDeleted(KeycloakSessionFactory factory, SqlAuthConfig runtime) {
        List<String> held = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(factory, session -> held.addAll(
            io.tableauth.keycloak.HeldUsers.byFederationLink(session, realmId).getOrDefault(configId, List.of())));
        if (held.isEmpty()) {
            return;
        }
        List<String> externalIds = held.stream().map(org.keycloak.storage.StorageId::externalId).toList();
        if (externalIds.size() > SWEPT) {
            int from = (int) (sweepTurn++ % ((externalIds.size() + SWEPT - 1) / SWEPT)) * SWEPT;
            externalIds = externalIds.subList(from, Math.min(from + SWEPT, externalIds.size()));
        }
        List<String> gone = new ArrayList<>();
        try (Connection c = runtime.connection()) {
            UserTable table = runtime.table(c);
            for (int i = 0; i < externalIds.size(); i += BATCH) {
                List<String> batch = externalIds.subList(i, Math.min(i + BATCH, externalIds.size()));
                java.util.Set<String> present = table.existingIds(c, batch);
                batch.stream().filter(id -> !present.contains(id)).forEach(gone::add);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("tableauth: the change signal of auth config %s could not read its table: %s", configId,
                e.getMessage());
            return;
        }
        if (!gone.isEmpty()) {
            LOG.debugf("tableauth: the change signal of auth config %s met %d held users whose rows are gone", configId,
                gone.size());
            handle(factory, gone);
        }
    }

    private void handle(KeycloakSessionFactory factory, List<String> ids) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            RealmModel realm = session.realms().getRealm(realmId);
            ComponentModel model = realm == null ? null : realm.getComponent(configId);
            if (model == null) {
                return;
            }
            session.getContext().setRealm(realm);
            if (session.getProvider(UserStorageProvider.class, model) instanceof SqlUserStorageProvider provider) {
                ids.forEach(id -> provider.changedInTable(realm, id));
            }
        });
    }
}
