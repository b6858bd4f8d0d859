package io.tableauth.rest.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * The rate limits in front of every unauthenticated call (login, sign-up, refresh, the 2FA step, reset and
 * verification, the API key grant, forward-auth with a key): at most {@link TableauthSettings#rateLimitPerIp()}
 * calls per client address and {@link TableauthSettings#rateLimitPerIdentifier()} per identifier (e-mail or username,
 * trimmed and lower-cased) in each window of {@link TableauthSettings#rateLimitWindowSeconds()}. A call over a limit
 * is refused before any hashing or database query, with the seconds until the window ends.
 *
 * <p>The counts live in Keycloak's single-use object store, which every node shares: a call takes the first free
 * numbered slot of its bucket and window with {@link SingleUseObjectProvider#putIfAbsent}, which is atomic across the
 * cluster and outside the request's transaction (a refused or failed call still counts). A bucket is full when its
 * last slot is taken. Slots are found by binary search from a per-node hint, so a call costs a few lookups; the hint
 * is only a starting point, the shared store decides.
 *
 * <p>The client address is Keycloak's own ({@code ClientConnection}): the peer, or with {@code --proxy-headers} the
 * address the trusted proxy forwarded. IPv6 addresses count per /64, which one subscriber usually holds whole.
 */
public final class RateLimits {

    private static final String PREFIX = "tableauth:rl:";
    /** Refusals held back at once on this node before answering (see {@link #slowDown}); the rest answer at once. */
    private static final Semaphore HELD = new Semaphore(16);
    /** Per node, the slot each bucket was last seen at: a search hint only, never a count. */
    private static final ConcurrentHashMap<String, Integer> HINTS = new ConcurrentHashMap<>();
    private static final int MAX_HINTS = 10_000;

    private final KeycloakSession session;
    private final TableauthSettings settings;

    public RateLimits(KeycloakSession session) {
        this.session = session;
        this.settings = TableauthSettings.of(session);
    }

    /** Counts the call against the client's address; {@link AuthError.Kind#RATE_LIMITED} when over the limit. */
    public void check() {
        check(null);
    }

    /**
     * Counts the call against the client's address and, when given, the identifier (e-mail or username) it names;
     * {@link AuthError.Kind#RATE_LIMITED} when either is over its limit. A request is counted once per bucket, however
     * many services it passes through (MaskAPI's sign-up logs in too).
     */
    public void check(String identifier) {
        take("ip", clientBucket(), settings.rateLimitPerIp());
        String id = normalise(identifier);
        if (id != null) {
            take("id", id, settings.rateLimitPerIdentifier());
        }
    }

    /**
     * Counts the call against the user an identifier resolved to, under the per-identifier limit: every name of one
     * user (an e-mail and a username, any case) counts against the same calls.
     */
    public void checkUser(String userId) {
        if (userId != null) {
            take("user", userId, settings.rateLimitPerIdentifier());
        }
    }

    /** Refuses when the client's address has used up its calls, without counting this one (see {@link #count}). */
    public void requireIpNotExhausted() {
        int limit = settings.rateLimitPerIp();
        if (limit > 0 && store().contains(slotKey(bucketHash("ip", clientBucket()), window(), limit - 1))) {
            throw refused();
        }
    }

    /** Counts a failed call against the client's address (forward-auth counts only refused keys). */
    public void countFailure() {
        try {
            take("ip", clientBucket(), settings.rateLimitPerIp());
        } catch (AuthError ignored) {
            // already over: the call is refused anyway, by its own answer
        }
    }

    private void take(String kind, String bucket, int limit) {
        if (limit <= 0) {
            return;
        }
        String hash = bucketHash(kind, bucket);
        if (!countedOnce(hash)) {
            return;
        }
        long window = window();
        SingleUseObjectProvider store = store();
        int lifespan = settings.rateLimitWindowSeconds() + 1;
        String hintKey = hash + ':' + window;
        int lo = Math.min(HINTS.getOrDefault(hintKey, 0), limit);
        int hi = limit;
        while (lo < hi) { // the first slot not taken, assuming the taken ones are a prefix (they are, but for races)
            int mid = (lo + hi) >>> 1;
            if (store.contains(slotKey(hash, window, mid))) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int slot = lo; slot < limit; slot++) {
            if (store.putIfAbsent(slotKey(hash, window, slot), lifespan)) {
                hint(hintKey, slot + 1);
                return;
            }
        }
        hint(hintKey, limit);
        throw refused();
    }

    /** Whether this bucket is counted for the first time in this request. */
    @SuppressWarnings("unchecked")
    private boolean countedOnce(String hash) {
        String attribute = RateLimits.class.getName();
        Set<String> counted = session.getAttribute(attribute, Set.class);
        if (counted == null) {
            counted = new HashSet<>();
            session.setAttribute(attribute, counted);
        }
        return counted.add(hash);
    }

    private static void hint(String key, int slot) {
        if (HINTS.size() >= MAX_HINTS) {
            HINTS.clear(); // hints of windows gone by; a lost hint costs a few lookups, nothing else
        }
        HINTS.merge(key, slot, Math::max);
    }

    private AuthError refused() {
        int window = settings.rateLimitWindowSeconds();
        int retryAfter = (int) Math.max(1, (window() + 1) * window - Time.currentTime());
        slowDown(retryAfter);
        return AuthError.rateLimited(retryAfter);
    }

    /**
     * Holds a refusal back for up to a second before it is answered, so a client that ignores Retry-After and asks
     * again at once (a flood) waits instead of taking the CPU that real logins need. At most {@link #HELD} refusals
     * wait at a time on a node, so a flood cannot hold the server's worker threads; the rest are answered at once.
     */
    private static void slowDown(int retryAfterSeconds) {
        if (!HELD.tryAcquire()) {
            return;
        }
        try {
            TimeUnit.MILLISECONDS.sleep(Math.min(1000L, retryAfterSeconds * 1000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            HELD.release();
        }
    }

    private long window() {
        return Time.currentTime() / settings.rateLimitWindowSeconds();
    }

    private String bucketHash(String kind, String bucket) {
        return Digests.sha256Hex(session.getContext().getRealm().getId() + '\n' + kind + '\n' + bucket).substring(0, 32);
    }

    private static String slotKey(String hash, long window, int slot) {
        return PREFIX + hash + ':' + window + ':' + slot;
    }

    private SingleUseObjectProvider store() {
        return session.singleUseObjects();
    }

    /** The client's address as Keycloak sees it; an IPv6 address as its /64. */
    String clientBucket() {
        String address = session.getContext().getConnection().getRemoteAddr();
        return bucketOf(address);
    }

    static String bucketOf(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        String a = address.trim();
        if (a.indexOf(':') < 0) {
            return a; // IPv4 (or a name, as a proxy may send): as it is
        }
        try {
            byte[] bytes = InetAddress.getByName(a.startsWith("[") ? a.substring(1, a.indexOf(']')) : a).getAddress();
            if (bytes.length != 16) {
                return InetAddress.getByAddress(bytes).getHostAddress(); // IPv4-mapped: the IPv4 address
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return a.toLowerCase(Locale.ROOT);
        }
    }

    /** An identifier as it is counted: trimmed and lower-cased; null when there is none. */
    static String normalise(String identifier) {
        return identifier == null || identifier.isBlank() ? null : identifier.trim().toLowerCase(Locale.ROOT);
    }
}
