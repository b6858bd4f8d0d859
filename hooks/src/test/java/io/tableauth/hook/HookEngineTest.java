package io.tableauth.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox on the real GraalJS engine: verdicts, messages, limits and the threads a run leaves. */
class HookEngineTest {

    private static final HookEngine HOOKS = HookEngine.get();
    /** One statement that runs for seconds without allocating much: exponential backtracking. */
    private static final String REDOS = "return /^(a+)+\\1$/.test('a'.repeat(28) + '!');";
    /**
     * One call of a built-in that never checks for cancellation: it ends only when it has looked at all 3e7 indexes,
     * many seconds later (interpreted), so the test stays bounded even if the engine waited for it.
     */
    private static final String STUCK = "return Array.prototype.indexOf.call({length: 3e7}, 1) >= 0;";
    private static final Map<String, Object> ACTIVE = Map.of("id", "f:c:1", "username", "ann", "isActive", true);
    private static final Map<String, Object> INACTIVE = Map.of("id", "f:c:2", "username", "bob", "isActive", false);
    private static final String MASKAPI_EXAMPLE = "// Example: block inactive users\n"
        + "if (!user.isActive) throw new Error(\"Inactive account\");\nreturn true;";

    @BeforeAll
    static void warmUp() {
        run("return true;", ACTIVE);
    }

    private static HookOutcome run(String code, Map<String, Object> user) {
        return run("test-realm", code, user);
    }

    private static HookOutcome run(String realm, String code, Map<String, Object> user) {
        return HOOKS.run(realm, "test hook", code, user, null, "Access denied.", "Stopped.");
    }

    /** The script is stopped (the user reads the "stopped" sentence) within the bound. */
    private static HookOutcome assertStoppedWithin(String script, long boundMillis) {
        return assertStoppedWithin("test-realm", script, boundMillis);
    }

    private static HookOutcome assertStoppedWithin(String realm, String script, long boundMillis) {
        long start = System.nanoTime();
        HookOutcome outcome = run(realm, script, ACTIVE);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(HookOutcome.Verdict.STOPPED, outcome.verdict(), script + " -> " + outcome);
        assertEquals("Stopped.", outcome.message());
        assertTrue(millis < boundMillis, script + " took " + millis + " ms");
        System.out.printf("%-75s stopped after %5d ms: %s%n", script, millis, outcome.reason());
        return outcome;
    }

    @Test
    void maskApiExampleAllowsActiveAndDeniesInactiveWithItsMessage() {
        assertEquals(HookOutcome.Verdict.ALLOW, run(MASKAPI_EXAMPLE, ACTIVE).verdict());
        HookOutcome denied = run(MASKAPI_EXAMPLE, INACTIVE);
        assertEquals(HookOutcome.Verdict.DENY, denied.verdict());
        assertEquals("Inactive account", denied.message());
    }

    @Test
    void onlyTrueAllows() {
        assertEquals(HookOutcome.Verdict.ALLOW, run("", ACTIVE).verdict());
        assertEquals("Access denied.", run("return false;", ACTIVE).message());
        assertEquals(HookOutcome.Verdict.DENY, run("return 1;", ACTIVE).verdict());
        assertEquals(HookOutcome.Verdict.DENY, run("var x = 1;", ACTIVE).verdict());
        assertEquals("no thanks", run("throw 'no thanks';", ACTIVE).message());
        java.util.Map<String, Object> noEmail = new java.util.HashMap<>(ACTIVE);
        noEmail.put("email", null);
        assertEquals(HookOutcome.Verdict.ALLOW, run("return user.email === null;", noEmail).verdict());
    }

    @Test
    void signupFieldsAreVisibleAndMayBeRejected() {
        String code = "if (!fields.email.endsWith('@example.com')) throw new Error('Company e-mail only'); return true;";
        HookOutcome ok = HOOKS.run("test-realm", "t", code, Map.of(), Map.of("email", "a@example.com"), "d", "s");
        HookOutcome no = HOOKS.run("test-realm", "t", code, Map.of(), Map.of("email", "a@other.org"), "d", "s");
        assertEquals(HookOutcome.Verdict.ALLOW, ok.verdict());
        assertEquals("Company e-mail only", no.message());
    }

    @Test
    void scriptBugsStopRatherThanShowJavaScriptErrors() {
        HookOutcome bug = run("return user.profile.age > 18;", ACTIVE);
        assertEquals(HookOutcome.Verdict.STOPPED, bug.verdict());
        assertEquals("Stopped.", bug.message());
        assertTrue(bug.reason().contains("TypeError"), bug.reason());
    }

    @Test
    void everyThrownValueEndsAsADenialOrAStopNeverAsAnError() {
        for (String odd : new String[] {
            "throw {get name() { throw new TypeError('boom'); }};",
            "throw new Proxy({}, {get() { throw 1; }});",
            "throw new Proxy(new Error('hidden'), {get() { throw 1; }});",
            "throw {name: 'Error', get message() { throw new Error('boom'); }};",
            "throw new Proxy({}, {getPrototypeOf() { throw 3; }, ownKeys() { throw 4; }, has() { throw 5; }});",
            "var e = new Error('z'); Object.defineProperty(Error.prototype, 'name', {get() { throw 5; }}); throw e;",
            "var e = new Error('z'); Object.defineProperty(e, 'message', {get() { throw e; }}); throw e;",
            "throw Symbol('s');",
            "throw 42n;",
            "throw null;",
            "throw undefined;",
            "throw 7;",
            "throw {};",
        }) {
            HookOutcome outcome = run(odd, ACTIVE);
            assertEquals(HookOutcome.Verdict.STOPPED, outcome.verdict(), odd + " -> " + outcome);
            assertEquals("Stopped.", outcome.message(), odd + " -> " + outcome);
        }
        // Reading what was thrown runs under the run's limits: a getter or trap that never ends is stopped too.
        for (String endless : new String[] {
            "throw {get name() { while (true) {} }};",
            "throw new Proxy({}, {get() { for (;;) {} }});",
            // one statement of backtracking: only the watchdog's time limit ends it
            "throw {name: 'Error', get message() { return String(/^(a+)+\\1$/.test('a'.repeat(28) + '!')); }};",
        }) {
            assertStoppedWithin(endless, HookEngine.TIME_LIMIT_MILLIS + 2_000);
        }
        // A plain Error with a string message is still a deliberate denial with that message.
        HookOutcome subclass = run("class Nope extends Error {} throw new Nope('Not today');", ACTIVE);
        assertEquals(HookOutcome.Verdict.DENY, subclass.verdict(), subclass.toString());
        assertEquals("Not today", subclass.message());
        assertEquals("Access denied.", run("throw new Error();", ACTIVE).message());
        // And the engine still serves the next login.
        assertEquals(HookOutcome.Verdict.ALLOW, run(MASKAPI_EXAMPLE, ACTIVE).verdict());
    }

    @Test
    void noJavaFilesNetworkOrProcesses() {
        for (String escape : new String[] {
            "return Java.type('java.lang.Runtime') != null;",
            "return typeof Packages !== 'undefined' && java.lang.System.exit(1);",
            "load('" + leakyScript() + "'); return typeof leaked !== 'undefined';",
            "return typeof readFully === 'function' && readFully('/etc/hostname') != null;",
            "return Polyglot.eval('js', '1') === 1;",
            "return typeof require === 'function' && require('fs') != null;",
            "return typeof process !== 'undefined' && process.exit(1);",
            "return new Worker('x') != null;",
        }) {
            HookOutcome outcome = run(escape, ACTIVE);
            assertTrue(!outcome.allowed(), escape + " -> " + outcome);
        }
    }

    /** A file that is valid JavaScript, so a load() that worked would be seen, not hidden by a syntax error. */
    private static String leakyScript() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("tableauth-hook", ".js");
            java.nio.file.Files.writeString(file, "var leaked = true;");
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void singleHugeAllocationsAreRefusedAtOnce() {
        for (String huge : new String[] {
            "return new ArrayBuffer(2**30).byteLength > 0;",
            "return new Uint8Array(2**30).length > 0;",
            "return new Float64Array(2**27).length > 0;",
            "return 'x'.repeat(2**29).length > 0;",
            "return 'abc'.padEnd(2**29).length > 0;",
            "return new Array(2**26).join('xy').length > 0;",
            "return JSON.stringify(new Array(2**24).fill('abcdefgh')).length > 0;",
            "return new Array(2**29).fill(1).length > 0;",
            "return Array.from({length: 2**26}, (_, i) => i).length > 0;",
        }) {
            assertStoppedWithin(huge, HookEngine.TIME_LIMIT_MILLIS + 1_000);
        }
        // The limits leave room for what a hook really does.
        assertEquals(HookOutcome.Verdict.ALLOW,
            run("return 'x'.repeat(100000).length === 100000 && new Uint8Array(65536).length === 65536;", ACTIVE)
                .verdict());
    }

    @Test
    void pastTheCapOnRunsAtOnceAHookIsRefusedWithoutWaiting() throws Exception {
        HOOKS.maxConcurrentRuns(2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
            java.util.List<java.util.concurrent.Future<HookOutcome>> busy = new java.util.ArrayList<>();
            for (String realm : new String[] {"busy-a", "busy-b"}) { // two realms: each may hold half the cap
                busy.add(pool.submit(() -> {
                    started.countDown();
                    // one statement, little memory (a backtracking regular expression): the time limit stops it
                    return run(realm, REDOS, ACTIVE);
                }));
            }
            started.await();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (HOOKS.runsLeft() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // until both runs hold their place in the sandbox, however busy the machine
            }
            assertEquals(0, HOOKS.runsLeft(), "both busy runs started");
            long start = System.nanoTime();
            HookOutcome third = run(MASKAPI_EXAMPLE, ACTIVE);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(HookOutcome.Verdict.STOPPED, third.verdict(), third.toString());
            assertTrue(third.reason().contains("too many hooks were running on this node"), third.reason());
            assertTrue(millis < 500, "the refusal waited " + millis + " ms (a run may take up to "
                + HookEngine.TIME_LIMIT_MILLIS + ")");
            for (var f : busy) {
                assertEquals(HookOutcome.Verdict.STOPPED, f.get().verdict());
            }
            // Once they end, the next run is served.
            assertEquals(HookOutcome.Verdict.ALLOW, run(MASKAPI_EXAMPLE, ACTIVE).verdict());
        } finally {
            pool.shutdownNow();
            HOOKS.maxConcurrentRuns(HookEngine.defaultMaxConcurrentRuns());
        }
    }

    @Test
    void aRealmHoldsAtMostHalfTheRunsSoAnotherRealmStillGetsOne() throws Exception {
        HOOKS.maxConcurrentRuns(4); // a realm may hold 2 of them
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            // A realm whose hook is slow tries to fill the whole node at once.
            java.util.List<java.util.concurrent.Future<HookOutcome>> greedy = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                greedy.add(pool.submit(() -> run("greedy-realm", REDOS, ACTIVE)));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((HOOKS.runsLeft() > 2 || greedy.stream().filter(java.util.concurrent.Future::isDone).count() < 2)
                && System.nanoTime() < deadline) {
                Thread.sleep(5); // until two runs hold their places and two were turned away
            }
            assertEquals(2, HOOKS.runsLeft(), "the greedy realm holds its share, no more");
            // Its neighbour's logins are still served while the greedy realm's hooks run.
            assertEquals(HookOutcome.Verdict.ALLOW, run("neighbour-realm", MASKAPI_EXAMPLE, ACTIVE).verdict());
            assertEquals("Inactive account", run("neighbour-realm", MASKAPI_EXAMPLE, INACTIVE).message());
            int refused = 0;
            for (var f : greedy) {
                HookOutcome outcome = f.get();
                assertEquals(HookOutcome.Verdict.STOPPED, outcome.verdict(), outcome.toString());
                if (outcome.reason().contains("too many hooks of this realm")) {
                    refused++;
                } else {
                    // it ran, and the watchdog stopped it (backtracking allocates too: either limit may come first)
                    assertTrue(outcome.reason().contains("ran longer than")
                        || outcome.reason().contains("allocated more than"), outcome.reason());
                }
            }
            assertEquals(2, refused, "two of the greedy realm's four runs were turned away");
        } finally {
            pool.shutdownNow();
            HOOKS.maxConcurrentRuns(HookEngine.defaultMaxConcurrentRuns());
        }
    }

    @Test
    void aRunThatIgnoresCancellationIsAbandonedAtTheTimeLimitAndStopsNoOtherRealm() throws Exception {
        HOOKS.maxConcurrentRuns(2); // a realm may leave 1 abandoned run behind, the node 2
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try {
            // The login gets its answer near the time limit, though the built-in goes on for seconds.
            HookOutcome stuck = assertStoppedWithin("stuck-realm", STUCK, 3 * HookEngine.TIME_LIMIT_MILLIS);
            // (Walking 3e7 indexes of an object allocates as it goes, so the memory limit may be the one it breaks.)
            assertTrue(stuck.reason().contains("did not end"), stuck.reason());
            assertEquals(1, HOOKS.abandonedRuns());
            assertEquals(2, HOOKS.runsLeft(), "an abandoned run holds no place among the runs at once");
            // Its realm has left as many abandoned runs as it may: it is refused until that run ends.
            HookOutcome refused = run("stuck-realm", MASKAPI_EXAMPLE, ACTIVE);
            assertEquals(HookOutcome.Verdict.STOPPED, refused.verdict(), refused.toString());
            assertTrue(refused.reason().contains("could not be stopped"), refused.reason());
            // Meanwhile the watchdog still enforces every limit on another realm's runs, and serves its logins.
            assertStoppedWithin("other-realm", "while (true) {}", HookEngine.TIME_LIMIT_MILLIS + 2_000);
            // (a long scan per statement, one small array: neither the statement count nor memory stops it)
            HookOutcome slow = assertStoppedWithin("other-realm",
                "var a = new Array(100000).fill(0); for (;;) a.indexOf(1);", HookEngine.TIME_LIMIT_MILLIS + 2_000);
            assertTrue(slow.reason().contains("ran longer than"), "the time limit: " + slow.reason());
            String hog = "var keep = []; for (;;) keep.push(new Uint8Array(4000000));";
            HookOutcome big = assertStoppedWithin("other-realm", hog, HookEngine.TIME_LIMIT_MILLIS + 2_000);
            for (int attempt = 1; attempt < 5 && !big.reason().contains("allocated more than"); attempt++) {
                // a machine busy enough to keep it from allocating 128 MiB within the second: again
                big = assertStoppedWithin("other-realm", hog, HookEngine.TIME_LIMIT_MILLIS + 2_000);
            }
            assertTrue(big.reason().contains("allocated more than"), "the memory limit: " + big.reason());
            assertEquals(HookOutcome.Verdict.ALLOW, run("other-realm", MASKAPI_EXAMPLE, ACTIVE).verdict());
            assertEquals("Inactive account", run("other-realm", MASKAPI_EXAMPLE, INACTIVE).message());
            assertEquals(1, HOOKS.abandonedRuns(), "the stuck run was still going through all of the above");
            // Once the built-in returns, the pending cancellation ends the run: its threads go, its realm is served.
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (HOOKS.abandonedRuns() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, HOOKS.abandonedRuns(), "the abandoned run ended");
            assertEquals(HookOutcome.Verdict.ALLOW, run("stuck-realm", MASKAPI_EXAMPLE, ACTIVE).verdict());
            Set<String> left = new java.util.HashSet<>();
            while (System.nanoTime() < deadline) {
                left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).filter(n -> n.startsWith("tableauth-hook-") && !n.endsWith("watchdog"))
                    .collect(Collectors.toSet());
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(50); // the worker counts itself out just before its thread ends
            }
            assertEquals(Set.of(), left);
        } finally {
            HOOKS.maxConcurrentRuns(HookEngine.defaultMaxConcurrentRuns());
        }
    }

    @Test
    void syntaxErrorsAreFoundWithoutRunningAndSayWhere() {
        assertTrue(HOOKS.syntaxError(MASKAPI_EXAMPLE).isEmpty());
        String error = HOOKS.syntaxError("if (!user.isActive {\n  return false;\n}\nreturn true;").orElseThrow();
        assertTrue(error.startsWith("Line 1, column "), error);
        String second = HOOKS.syntaxError("var a = 1;\nreturn a +* 2;").orElseThrow();
        assertTrue(second.startsWith("Line 2, column "), second);
    }

    @Test
    void runawayScriptsAreStoppedInBoundedTimeAndLeaveNoThread() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (String runaway : new String[] {
            "while (true) {}",
            "for (;;) { try { while (true) {} } catch (e) {} }",
            "var a = []; while (true) { a.push(new Array(1000000).fill(1)); }",
            "var s = 'x'.repeat(1 << 28); return s.length > 0 && s.repeat(8).length > 0;",
            "return new Array(200000000).fill(0).length > 0;",
            "function f() { return f() + 1; } return f();",
            REDOS,
        }) {
            assertStoppedWithin(runaway, HookEngine.TIME_LIMIT_MILLIS + 2_000);
        }
        Set<String> added = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
            .filter(t -> !t.getName().equals("tableauth-hook-watchdog")).map(Thread::getName)
            .collect(Collectors.toSet());
        assertEquals(Set.of(), added);
        // And the engine still serves the next login.
        assertEquals(HookOutcome.Verdict.ALLOW, run(MASKAPI_EXAMPLE, ACTIVE).verdict());
    }
}
