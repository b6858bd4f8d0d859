package io.tableauth.hook;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.jboss.logging.Logger;

/**
 * Runs admins' hook scripts, written as MaskAPI users write them: a function body that sees {@code user} (and, for
 * signups, {@code fields}), where {@code return true} allows, {@code return false} (or anything else) denies with a
 * generic message, and {@code throw new Error("...")} denies with that message.
 *
 * <p>The sandbox is GraalJS with everything outside JavaScript switched off: no host classes or objects, no I/O,
 * threads, processes, native code, environment or other languages. Each run gets a fresh context (nothing survives
 * from one login to the next) from one shared engine, so a script is parsed once per distinct source text, that
 * is once per configuration change. Hooks are realm admins' code, so the limits hold against a hostile script,
 * not only a buggy one: a statement count (endless loops); a wall-clock time; the bytes the running thread allocates
 * (growing arrays and objects), watched every few milliseconds; caps on single allocations that could outrun the
 * watch (strings, typed arrays and array buffers); and a cap on the runs at once on this node, past which a run is
 * refused at once rather than queued. One realm may hold at most half of the node's runs (rounded up), so a realm
 * whose hooks are all slow still leaves the other realms room to run theirs. A watchdog cancels the context when time or memory runs out; the run happens
 * on the caller's thread, so nothing is left running afterwards.
 */
public final class HookEngine {

    private static final Logger LOG = Logger.getLogger(HookEngine.class);

    /** Statements one run may execute: ample for any check on one user, far short of an endless loop. */
    public static final long STATEMENT_LIMIT = 200_000;
    /** Wall-clock time one run may take. */
    public static final long TIME_LIMIT_MILLIS = 1_000;
    /** Bytes the running thread may allocate during one run. */
    public static final long ALLOCATION_LIMIT_BYTES = 128L * 1024 * 1024;
    /** Longest string a script may build, in characters (GraalJS's own limit is about 2^30). */
    public static final int STRING_LENGTH_LIMIT = 1 << 22;
    /** Most elements of one typed array, and bytes of one ArrayBuffer (a single allocation, too fast to watch). */
    public static final int TYPED_ARRAY_LENGTH_LIMIT = 1 << 22;
    private static final long WATCH_PERIOD_MILLIS = 2;
    private static final int MAX_CACHED_SOURCES = 256;

    private static final String PREFIX = "(function (__input) { var __in = JSON.parse(__input); "
        + "return (function (user, fields) {";
    private static final String SUFFIX = "\n}).call(undefined, __in.user, __in.fields); })";

    private static final HookEngine INSTANCE = new HookEngine();
    /** Plain Jackson: unlike Keycloak's mapper it keeps nulls, so a script sees {@code user.email === null}. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private final ResourceLimits limits = ResourceLimits.newBuilder()
        .statementLimit(STATEMENT_LIMIT, null)
        .build();
    private final com.sun.management.ThreadMXBean threads = allocationCounter();
    private volatile Engine engine;
    private volatile ScheduledExecutorService watchdog;
    /** Runs at once on this node, and each realm's. */
    private final Slots slots = new Slots(defaultMaxConcurrentRuns());

    /** Default cap on runs at once: one per processor, at least two. */
    public static int defaultMaxConcurrentRuns() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Sets the cap on hook runs at once on this node (the server operator's option); one realm may hold at most
     * {@link #realmShare(int) half of them, rounded up}. Runs already going keep their places.
     */
    public void maxConcurrentRuns(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("tableauth: the hook run cap must be at least 1, not " + max);
        }
        slots.resize(max);
    }

    /** The runs at once one realm may hold when the node allows {@code max}: half, rounded up. */
    public static int realmShare(int max) {
        return (max + 1) / 2;
    }

    /** How many more runs the cap lets in at this moment (tests wait on it instead of sleeping). */
    int runsLeft() {
        return slots.left();
    }

    private HookEngine() {
    }

    public static HookEngine get() {
        return INSTANCE;
    }

    /** A blank script is "no hook": everything is allowed without starting the engine. */
    public static boolean isBlank(String code) {
        return code == null || code.isBlank();
    }

    /**
     * Parses a script without running it.
     *
     * @return the syntax error as "Line L, column C: message", or empty when the script parses
     */
    public Optional<String> syntaxError(String code) {
        if (isBlank(code)) {
            return Optional.empty();
        }
        try (Context context = newContext()) {
            context.parse(source(code));
            return Optional.empty();
        } catch (PolyglotException e) {
            if (e.isSyntaxError()) {
                return Optional.of(describe(e));
            }
            return Optional.of("The script could not be parsed: " + e.getMessage());
        }
    }

    /**
     * Runs a script against one user (and, for signups, the submitted fields).
     *
     * @param realmId  the realm whose hook this is: it counts against that realm's share of the node's runs
     * @param name     what the script is, for the server log (e.g. "login hook of auth config app-users")
     * @param code     the script
     * @param user     the {@code user} object, as JSON-serialisable values
     * @param fields   the {@code fields} object for signups, else {@code null}
     * @param stopped  the sentence users see when the script breaks a limit or fails in the sandbox
     * @param denied   the sentence users see when the script returns anything but {@code true}
     */
    public HookOutcome run(String realmId, String name, String code, Map<String, Object> user,
                           Map<String, Object> fields, String denied, String stopped) {
        if (isBlank(code)) {
            return HookOutcome.ALLOWED;
        }
        String input;
        try {
            input = JSON.writeValueAsString(Map.of("user", user, "fields", fields == null ? Map.of() : fields));
        } catch (java.io.IOException e) {
            return stop(name, "its input could not be serialised: " + e.getMessage(), stopped);
        }
        String realm = realmId == null ? "" : realmId;
        String refused = slots.acquire(realm);
        if (refused != null) {
            return stop(name, refused, stopped);
        }
        Context context;
        try {
            context = newContext();
        } catch (RuntimeException | Error e) {
            slots.release(realm);
            throw e;
        }
        AtomicReference<String> limitHit = new AtomicReference<>();
        ScheduledFuture<?> watch = watch(context, Thread.currentThread(), limitHit);
        try {
            Value result = context.eval(source(code)).execute(input);
            return result.isBoolean() && result.asBoolean()
                ? HookOutcome.ALLOWED
                : new HookOutcome(HookOutcome.Verdict.DENY, denied, null);
        } catch (PolyglotException e) {
            if (limitHit.get() != null) {
                return stop(name, limitHit.get(), stopped);
            }
            if (e.isResourceExhausted() || e.isCancelled()) {
                // Not the watchdog's: the statement limit, or the JVM out of memory for one allocation.
                return stop(name, "it hit a resource limit: " + e.getMessage(), stopped);
            }
            if (e.isSyntaxError()) {
                return stop(name, "syntax error: " + describe(e), stopped);
            }
            if (e.isGuestException() && !e.isInternalError()) {
                Thrown thrown = thrown(e);
                if (limitHit.get() != null) {
                    return stop(name, limitHit.get(), stopped); // reading what it threw ran into a limit
                }
                if (thrown.denial() != null) {
                    String message = thrown.denial();
                    return new HookOutcome(HookOutcome.Verdict.DENY, message.isBlank() ? denied : message, null);
                }
                // TypeError, ReferenceError...: a bug in the script, not a decision about this user.
                return stop(name, "it threw " + e.getMessage()
                    + (thrown.unreadable() == null ? "" : ", which could not be read: " + thrown.unreadable()), stopped);
            }
            return stop(name, "it failed in the sandbox: " + e.getMessage(), stopped);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // A context closed by the watchdog between two steps, or a value the sandbox refused.
            return stop(name, limitHit.get() != null ? limitHit.get() : e.getMessage(), stopped);
        } catch (RuntimeException e) {
            // Nothing a script does may become an error of the request: the login is refused and counted instead.
            return stop(name, limitHit.get() != null ? limitHit.get() : "it failed in the sandbox: " + e, stopped);
        } finally {
            watch.cancel(false);
            try {
                context.close(true);
            } catch (RuntimeException e) {
                LOG.debugf("tableauth: closing a hook context: %s", e.getMessage());
            }
            slots.release(realm);
        }
    }

    /** The node's hook runs, counted per realm; one lock, held for a few counter updates only. */
    private static final class Slots {

        private int max;
        private int running;
        private final Map<String, Integer> byRealm = new HashMap<>();

        Slots(int max) {
            this.max = max;
        }

        synchronized void resize(int newMax) {
            max = newMax;
        }

        synchronized int left() {
            return Math.max(0, max - running);
        }

        /** Takes a place for a run of this realm: {@code null} if it got one, else why not. */
        synchronized String acquire(String realm) {
            if (running >= max) {
                return "too many hooks were running on this node at once";
            }
            int ofRealm = byRealm.getOrDefault(realm, 0);
            int share = realmShare(max);
            if (ofRealm >= share) {
                return "too many hooks of this realm were running on this node at once (a realm may hold " + share
                    + " of the node's " + max + ")";
            }
            running++;
            byRealm.put(realm, ofRealm + 1);
            return null;
        }

        synchronized void release(String realm) {
            running--;
            byRealm.computeIfPresent(realm, (r, n) -> n > 1 ? n - 1 : null);
        }
    }

    // --- sandbox

    private Context newContext() {
        return Context.newBuilder("js")
            .engine(engine())
            .allowHostAccess(HostAccess.NONE)
            .allowHostClassLookup(className -> false)
            .allowHostClassLoading(false)
            .allowIO(IOAccess.NONE)
            .allowCreateThread(false)
            .allowCreateProcess(false)
            .allowNativeAccess(false)
            .allowEnvironmentAccess(EnvironmentAccess.NONE)
            .allowPolyglotAccess(PolyglotAccess.NONE)
            .allowValueSharing(false)
            .allowInnerContextOptions(false)
            // Experimental in GraalJS, but the only caps on a single huge allocation in the community edition.
            .allowExperimentalOptions(true)
            .option("js.string-length-limit", Integer.toString(STRING_LENGTH_LIMIT))
            .option("js.max-typed-array-length", Integer.toString(TYPED_ARRAY_LENGTH_LIMIT))
            .resourceLimits(limits)
            .out(OutputStream.nullOutputStream())
            .err(OutputStream.nullOutputStream())
            .build();
    }

    private Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    long start = System.nanoTime();
                    e = Engine.newBuilder("js")
                        // A stock JDK has no Graal compiler: scripts run interpreted, which a hook can afford.
                        .option("engine.WarnInterpreterOnly", "false")
                        .out(OutputStream.nullOutputStream())
                        .err(OutputStream.nullOutputStream())
                        .build();
                    engine = e;
                    LOG.infof("tableauth: hook engine (GraalJS %s) started in %d ms", e.getVersion(),
                        (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        return e;
    }

    private Source source(String code) {
        Source cached = sources.get(code);
        if (cached != null) {
            return cached;
        }
        if (sources.size() >= MAX_CACHED_SOURCES) {
            sources.clear(); // configurations changed many times: start over rather than grow
        }
        Source source = Source.newBuilder("js", PREFIX + code + SUFFIX, "hook.js").cached(true).buildLiteral();
        Source raced = sources.putIfAbsent(code, source);
        return raced == null ? source : raced;
    }

    /** Cancels the context when the run takes too long or its thread allocates too much. */
    private ScheduledFuture<?> watch(Context context, Thread runner, AtomicReference<String> limitHit) {
        long started = System.nanoTime();
        long tid = runner.getId();
        long allocatedAtStart = allocated(tid);
        return watchdog().scheduleAtFixedRate(() -> {
            String reason = null;
            if (System.nanoTime() - started > TIME_LIMIT_MILLIS * 1_000_000) {
                reason = "it ran longer than " + TIME_LIMIT_MILLIS + " ms";
            } else if (allocatedAtStart >= 0 && allocated(tid) - allocatedAtStart > ALLOCATION_LIMIT_BYTES) {
                reason = "it allocated more than " + (ALLOCATION_LIMIT_BYTES >> 20) + " MiB";
            }
            if (reason != null && limitHit.compareAndSet(null, reason)) {
                try {
                    context.close(true);
                } catch (RuntimeException e) {
                    LOG.debugf("tableauth: cancelling a hook: %s", e.getMessage());
                }
            }
        }, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private ScheduledExecutorService watchdog() {
        ScheduledExecutorService w = watchdog;
        if (w == null) {
            synchronized (this) {
                w = watchdog;
                if (w == null) {
                    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "tableauth-hook-watchdog");
                        t.setDaemon(true);
                        return t;
                    });
                    executor.setRemoveOnCancelPolicy(true);
                    watchdog = w = executor;
                }
            }
        }
        return w;
    }

    private long allocated(long tid) {
        return threads == null ? -1 : threads.getThreadAllocatedBytes(tid);
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
            && bean.isThreadAllocatedMemorySupported()) {
            bean.setThreadAllocatedMemoryEnabled(true);
            return bean;
        }
        LOG.warn("tableauth: this JVM cannot count allocated bytes per thread; hooks are limited by time and "
            + "statements only");
        return null;
    }

    // --- messages

    private static HookOutcome stop(String name, String reason, String stopped) {
        LOG.warnf("tableauth: %s was stopped: %s", name, reason);
        return new HookOutcome(HookOutcome.Verdict.STOPPED, stopped, reason);
    }

    /**
     * What a script threw.
     *
     * @param denial     the message of a deliberate denial, {@code throw new Error("x")} or {@code throw "x"};
     *                   {@code null} for the errors JavaScript itself raises (TypeError, ReferenceError...) and for
     *                   anything else
     * @param unreadable why the thrown value could not be read, for the server log; {@code null} if it could
     */
    private record Thrown(String denial, String unreadable) {
    }

    /**
     * Reads what a script threw. Never throws: reading {@code name} and {@code message} may run the script's own
     * code (a getter, a {@code Proxy} trap), which may throw or never end; so it runs before the run's context is
     * closed, still under the run's statement count and watchdog, and a value that cannot be read is no denial: the
     * run ends as stopped, never as an error of the request.
     */
    private static Thrown thrown(PolyglotException e) {
        try {
            Value thrown = e.getGuestObject();
            if (thrown == null || thrown.isNull()) {
                return new Thrown(null, null);
            }
            if (thrown.isString()) {
                return new Thrown(thrown.asString(), null);
            }
            if (!thrown.hasMembers()) {
                return new Thrown(null, null);
            }
            Value errorName = thrown.getMember("name");
            if (errorName == null || !errorName.isString() || !"Error".equals(errorName.asString())) {
                return new Thrown(null, null);
            }
            Value message = thrown.getMember("message");
            return new Thrown(message != null && message.isString() ? message.asString() : "", null);
        } catch (RuntimeException | StackOverflowError unreadable) {
            // PolyglotException (the getter or trap threw, hit a limit or was cancelled), IllegalStateException (the
            // context was closed meanwhile), UnsupportedOperationException...
            return new Thrown(null, String.valueOf(unreadable.getMessage()));
        }
    }

    private static String describe(PolyglotException e) {
        String message = e.getMessage() == null ? "syntax error" : e.getMessage();
        // GraalJS prefixes "hook.js:L:C "; say it in words, with the line the admin sees.
        message = message.replaceFirst("^hook\\.js:\\d+:\\d+ ", "");
        SourceSection at = e.getSourceLocation();
        if (at == null || !at.isAvailable()) {
            return message;
        }
        int line = at.getStartLine();
        int column = line == 1 ? Math.max(1, at.getStartColumn() - PREFIX.length()) : at.getStartColumn();
        return "Line " + line + ", column " + column + ": " + message;
    }
}
