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
 * generic message, and {@code throw new Error("...")} denies with that message. Whatever else a script does or
 * throws, the run ends as {@link HookOutcome.Verdict#STOPPED stopped} (the "could not be completed" refusal), never
 * as an exception of the request.
 *
 * <p>The sandbox is GraalJS with everything outside JavaScript switched off: no host classes or objects, no I/O,
 * threads, processes, native code, environment or other languages. Each run gets a fresh context (nothing survives
 * from one login to the next) from one shared engine, so a script is parsed once per distinct source text, that
 * is once per configuration change. Hooks are realm admins' code, so the limits hold against a hostile script,
 * not only a buggy one: a statement count (endless loops); a wall-clock time; the bytes the running thread allocates
 * (growing arrays and objects), watched every few milliseconds; caps on single allocations that could outrun the
 * watch (strings, typed arrays and array buffers); and a cap on the runs at once on this node, past which a run is
 * refused at once rather than queued. One realm may hold at most half of the node's runs (rounded up), so a realm
 * whose hooks are all slow still leaves the other realms room to run theirs.
 *
 * <p><b>Threads, and runs that cannot be stopped.</b> A script runs on a worker thread of its own
 * ({@code tableauth-hook-run}), which the caller waits for. One watchdog thread ({@code tableauth-hook-watchdog})
 * checks every run's time and its worker's allocated bytes every few milliseconds; when a limit is broken it only
 * starts a short-lived thread ({@code tableauth-hook-cancel}) that cancels the context ({@code Context.close(true)}),
 * so the watchdog itself never waits for a script and keeps watching every other run. Cancelling takes effect at
 * the script's next safepoint, within milliseconds for JavaScript code; but some GraalJS built-ins never reach one
 * until they return (e.g. {@code Array.prototype.indexOf.call({length: 2**53 - 1}, 1)}), and no API stops a Java
 * thread inside them. So the caller waits at most the time limit plus {@link #CANCEL_GRACE_MILLIS}: a run still
 * going then is <em>abandoned</em>. The caller answers "stopped" at once; the run gives its place back (so it does
 * not count against the runs at once) and counts instead as an abandoned run of its realm until its worker ends,
 * which it does, cancelled, as soon as the built-in returns (its cancelling thread ends with it). A realm that has
 * abandoned runs is refused further runs while it has as many as its share ({@link #realmShare half of
 * {@code hook-max-concurrent-runs}}, rounded up), or while the node has {@code hook-max-concurrent-runs} of them;
 * other realms keep running their hooks under the same limits. An abandoned worker keeps one core busy until the
 * built-in returns and cannot be made to give back what it allocates; what bounds that is the abandoned-run caps,
 * and the engine's own caps on single allocations, not the watchdog. A run that ends normally leaves no thread
 * behind: the caller joins its worker, which joins its cancelling thread if it had one.
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
    /**
     * How long past the time limit a caller waits for a cancelled run to end before it answers without it and leaves
     * the run's thread to end on its own (abandons it).
     */
    public static final long CANCEL_GRACE_MILLIS = 1_000;
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

    /**
     * Default cap on runs at once: two per processor, at least four, so that one realm's share (half) is still a run
     * per processor, what a node with a single realm had before realms got shares.
     */
    public static int defaultMaxConcurrentRuns() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
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

    /** Runs abandoned on this node that have not ended yet. */
    int abandonedRuns() {
        return slots.abandoned();
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
     * @return the verdict; never throws for anything the script does, nor when the sandbox cannot start (that run is
     *         {@link HookOutcome.Verdict#STOPPED stopped}, so the caller counts it as a failed login)
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
            return logged(name, stop("its input could not be serialised: " + e.getMessage(), stopped));
        }
        Run run = new Run(realmId == null ? "" : realmId, name, code, input, denied, stopped);
        String refused = slots.acquire(run.realm);
        if (refused != null) {
            return logged(name, stop(refused, stopped));
        }
        try {
            run.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            // No context or no thread to be had: refused like any run that could not be completed, not an error.
            slots.release(run.realm);
            return logged(name, stop("the sandbox could not start: " + e, stopped));
        } catch (Error e) {
            slots.release(run.realm);
            throw e;
        }
        return logged(name, run.await());
    }

    /**
     * One run of a script: its context, the worker thread that evaluates it, the watchdog's task that watches it and,
     * once a limit is hit, the thread that cancels it. The caller waits for the worker until the time limit plus
     * {@link #CANCEL_GRACE_MILLIS}; a worker still busy then is abandoned (see the class comment).
     */
    private final class Run implements Runnable {

        final String realm;
        final String name;
        final String code;
        final String input;
        final String denied;
        final String stopped;
        /** The first limit the watchdog saw broken; the run's outcome says it rather than how the script ended. */
        final AtomicReference<String> limitHit = new AtomicReference<>();
        /** Bytes the worker had allocated when it began, or -1 until it has begun. */
        volatile long allocatedAtStart = -1;
        long started;
        Context context;
        Thread worker;
        ScheduledFuture<?> watch;
        /** The thread cancelling the context, once there is one; set under this run's lock. */
        private volatile Thread canceller;
        /** Whether the worker is past needing a canceller; guarded by this run's lock. */
        private boolean closing;
        /** Whether the watchdog has already said it could not watch this run (said once, not every tick). */
        volatile boolean watchFailed;
        // Guarded by slots: where the run stands, and the worker's outcome once DONE.
        State state = State.RUNNING;
        HookOutcome outcome;
        long abandonedAt;

        Run(String realm, String name, String code, String input, String denied, String stopped) {
            this.realm = realm;
            this.name = name;
            this.code = code;
            this.input = input;
            this.denied = denied;
            this.stopped = stopped;
        }

        /** On the caller's thread: a fresh context, and a worker evaluating the script in it under the watchdog. */
        void start() {
            context = newContext();
            try {
                Thread thread = new Thread(this, "tableauth-hook-run");
                thread.setDaemon(true);
                worker = thread;
                started = System.nanoTime();
                watch = watch(this);
                try {
                    thread.start();
                } catch (RuntimeException | Error e) {
                    watch.cancel(false);
                    throw e;
                }
            } catch (RuntimeException | Error e) {
                try {
                    context.close(true);
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }

        /** On the worker thread. */
        @Override
        public void run() {
            HookOutcome result = null;
            try {
                allocatedAtStart = allocated(Thread.currentThread().getId());
                result = evaluate();
            } catch (Throwable t) {
                // Nothing may leave the worker unanswered: the caller would wait for it to the time limit.
                result = stop(limitHit.get() != null ? limitHit.get() : "it failed in the sandbox: " + t, stopped);
            } finally {
                try {
                    watch.cancel(false);
                    close();
                } finally {
                    slots.finish(this, result);
                }
            }
        }

        private HookOutcome evaluate() {
            try {
                Value result = context.eval(source(code)).execute(input);
                return result.isBoolean() && result.asBoolean()
                    ? HookOutcome.ALLOWED
                    : new HookOutcome(HookOutcome.Verdict.DENY, denied, null);
            } catch (PolyglotException e) {
                if (limitHit.get() != null) {
                    return stop(limitHit.get(), stopped);
                }
                if (e.isResourceExhausted() || e.isCancelled()) {
                    // Not the watchdog's: the statement limit, or the JVM out of memory for one allocation.
                    return stop("it hit a resource limit: " + e.getMessage(), stopped);
                }
                if (e.isSyntaxError()) {
                    return stop("syntax error: " + describe(e), stopped);
                }
                if (e.isGuestException() && !e.isInternalError()) {
                    Thrown thrown = thrown(e);
                    if (limitHit.get() != null) {
                        return stop(limitHit.get(), stopped); // reading what it threw ran into a limit
                    }
                    if (thrown.denial() != null) {
                        String message = thrown.denial();
                        return new HookOutcome(HookOutcome.Verdict.DENY, message.isBlank() ? denied : message, null);
                    }
                    // TypeError, ReferenceError...: a bug in the script, not a decision about this user.
                    return stop("it threw " + e.getMessage()
                        + (thrown.unreadable() == null ? "" : ", which could not be read: " + thrown.unreadable()),
                        stopped);
                }
                return stop("it failed in the sandbox: " + e.getMessage(), stopped);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // A context cancelled between two steps, or a value the sandbox refused.
                return stop(limitHit.get() != null ? limitHit.get() : e.getMessage(), stopped);
            } catch (RuntimeException e) {
                // Nothing a script does may become an error of the request: the login is refused and counted instead.
                return stop(limitHit.get() != null ? limitHit.get() : "it failed in the sandbox: " + e, stopped);
            }
        }

        /**
         * From the watchdog: records the limit and has the context cancelled on a thread of its own, so the watchdog
         * never waits, however long the run takes to notice. Returns at once.
         */
        synchronized void cancel(String reason) {
            limitHit.compareAndSet(null, reason);
            if (closing || canceller != null) {
                return;
            }
            Thread thread = new Thread(() -> {
                try {
                    // Marks the context cancelled at once, then waits until the worker leaves it: at its next
                    // safepoint, which a built-in that never polls for one reaches only when it returns.
                    context.close(true);
                } catch (RuntimeException e) {
                    LOG.debugf("tableauth: cancelling a hook: %s", e.getMessage());
                }
            }, "tableauth-hook-cancel");
            thread.setDaemon(true);
            thread.start(); // if this throws (no thread to be had), the next tick tries again
            canceller = thread;
        }

        boolean cancelling() {
            return canceller != null;
        }

        /** On the worker, once it has its outcome: closes the context, and waits for the canceller if one began. */
        private void close() {
            Thread cancelling;
            synchronized (this) {
                closing = true;
                cancelling = canceller;
            }
            try {
                context.close(true);
            } catch (RuntimeException e) {
                LOG.debugf("tableauth: closing a hook context: %s", e.getMessage());
            }
            if (cancelling != null) {
                // Its close(true) only waited for this thread to leave the context, which it has.
                join(cancelling, TimeUnit.SECONDS.toNanos(1));
            }
        }

        /**
         * On the caller's thread: the worker's outcome, or, past the time limit and the grace for a cancelled script
         * to wind down, the "stopped" outcome of an abandoned run. Waits no longer than that, however the script
         * behaves; an interrupt is remembered and waited through, as the outcome is only that far away.
         */
        HookOutcome await() {
            long deadline = started + TimeUnit.MILLISECONDS.toNanos(TIME_LIMIT_MILLIS + CANCEL_GRACE_MILLIS);
            boolean interrupted = false;
            long left;
            while (worker.isAlive() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(worker, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            HookOutcome result = slots.outcomeOrAbandon(this);
            if (result != null) {
                // The worker has its outcome and is on its way out: let it go, so no thread stays behind.
                join(worker, TimeUnit.SECONDS.toNanos(1));
            } else {
                String limit = limitHit.get() != null ? limitHit.get()
                    : "it ran longer than " + TIME_LIMIT_MILLIS + " ms";
                try {
                    cancel(limit); // normally done by now; made sure of, as the run is left to itself
                } catch (RuntimeException | Error e) {
                    LOG.debugf("tableauth: cancelling an abandoned hook: %s", e.getMessage());
                }
                watch.cancel(false);
                result = stop(limit + "; it did not end when cancelled (a built-in that never checks for "
                    + "cancellation), so its thread is left to end on its own and counts against the realm's "
                    + "abandoned runs", stopped);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return result;
        }
    }

    private enum State { RUNNING, DONE, ABANDONED }

    private static void join(Thread thread, long nanos) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + nanos;
        long left;
        while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The node's hook runs, counted per realm: those running within their limits, and those abandoned (cancelled,
     * but inside a built-in that does not notice). One lock, held for a few counter updates only.
     */
    private static final class Slots {

        private int max;
        private int running;
        private int abandoned;
        /** Per realm: {running, abandoned}; a realm with neither has no entry. */
        private final Map<String, int[]> byRealm = new HashMap<>();

        Slots(int max) {
            this.max = max;
        }

        synchronized void resize(int newMax) {
            max = newMax;
        }

        synchronized int left() {
            return Math.max(0, max - running);
        }

        synchronized int abandoned() {
            return abandoned;
        }

        /** Takes a place for a run of this realm: {@code null} if it got one, else why not. */
        synchronized String acquire(String realm) {
            int[] counts = byRealm.get(realm);
            int ofRealm = counts == null ? 0 : counts[0];
            int abandonedOfRealm = counts == null ? 0 : counts[1];
            if (abandonedOfRealm > 0 && (abandonedOfRealm >= realmShare(max) || abandoned >= max)) {
                return "this realm's hooks that could not be stopped are still running on this node ("
                    + abandonedOfRealm + " of the node's " + abandoned + "; a realm may leave " + realmShare(max)
                    + ", the node " + max + ")";
            }
            if (running >= max) {
                return "too many hooks were running on this node at once";
            }
            int share = realmShare(max);
            if (ofRealm >= share) {
                return "too many hooks of this realm were running on this node at once (a realm may hold " + share
                    + " of the node's " + max + ")";
            }
            running++;
            byRealm.computeIfAbsent(realm, r -> new int[2])[0]++;
            return null;
        }

        /** Gives back a place taken by {@link #acquire} for a run that never started. */
        synchronized void release(String realm) {
            running--;
            count(realm, 0, -1);
        }

        /** From the worker as it ends: the outcome for the caller, or the end of an abandoned run. */
        synchronized void finish(Run run, HookOutcome outcome) {
            if (run.state == State.RUNNING) {
                run.state = State.DONE;
                run.outcome = outcome != null ? outcome : stop("it ended without an outcome", run.stopped);
                running--;
                count(run.realm, 0, -1);
            } else if (run.state == State.ABANDONED) {
                run.state = State.DONE;
                abandoned--;
                count(run.realm, 1, -1);
                LOG.warnf("tableauth: %s, abandoned %d ms earlier, has ended (%s)", run.name,
                    (System.nanoTime() - run.abandonedAt) / 1_000_000,
                    outcome == null ? "no outcome" : outcome.verdict() + ": " + outcome.reason());
            }
        }

        /**
         * From the caller at its deadline: the worker's outcome if it has one; else the run is abandoned (its place
         * goes back, and it counts against the realm's and the node's abandoned runs until it ends) and
         * {@code null}.
         */
        synchronized HookOutcome outcomeOrAbandon(Run run) {
            if (run.state == State.DONE) {
                return run.outcome;
            }
            if (!run.worker.isAlive()) {
                // Gone without counting itself out (an error even its last step could not survive): nothing left.
                run.state = State.DONE;
                running--;
                count(run.realm, 0, -1);
                return stop("it ended without an outcome", run.stopped);
            }
            run.state = State.ABANDONED;
            run.abandonedAt = System.nanoTime();
            running--;
            abandoned++;
            count(run.realm, 0, -1);
            count(run.realm, 1, +1);
            return null;
        }

        private void count(String realm, int which, int delta) {
            int[] counts = byRealm.computeIfAbsent(realm, r -> new int[2]);
            counts[which] += delta;
            if (counts[0] <= 0 && counts[1] <= 0) {
                byRealm.remove(realm);
            }
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

    /**
     * Has the run cancelled when it takes too long or its worker allocates too much. The task never waits: the
     * cancelling itself happens on a thread of the run's own ({@link Run#cancel}), so one script that does not stop
     * cannot stop the watchdog from watching all the others.
     */
    private ScheduledFuture<?> watch(Run run) {
        long tid = run.worker.getId();
        return watchdog().scheduleAtFixedRate(() -> {
            try {
                if (run.cancelling()) {
                    return; // cancelled already: nothing more the watchdog can do for this run
                }
                String reason = null;
                long allocatedAtStart = run.allocatedAtStart;
                if (System.nanoTime() - run.started > TIME_LIMIT_MILLIS * 1_000_000) {
                    reason = "it ran longer than " + TIME_LIMIT_MILLIS + " ms";
                } else if (allocatedAtStart >= 0 && allocated(tid) - allocatedAtStart > ALLOCATION_LIMIT_BYTES) {
                    reason = "it allocated more than " + (ALLOCATION_LIMIT_BYTES >> 20) + " MiB";
                }
                if (reason != null) {
                    run.cancel(reason);
                }
            } catch (RuntimeException | Error e) {
                // Thrown out of here, the executor would never run this task again: try again at the next tick.
                if (!run.watchFailed) {
                    run.watchFailed = true;
                    LOG.warnf("tableauth: watching %s: %s", run.name, e);
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

    private static HookOutcome stop(String reason, String stopped) {
        return new HookOutcome(HookOutcome.Verdict.STOPPED, stopped, reason);
    }

    /** Says in the server log why a run was stopped, once, on the caller's thread. */
    private static HookOutcome logged(String name, HookOutcome outcome) {
        if (outcome.verdict() == HookOutcome.Verdict.STOPPED) {
            LOG.warnf("tableauth: %s was stopped: %s", name, outcome.reason());
        }
        return outcome;
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
