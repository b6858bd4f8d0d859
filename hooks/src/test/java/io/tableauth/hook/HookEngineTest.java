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
    private static final Map<String, Object> ACTIVE = Map.of("id", "f:c:1", "username", "ann", "isActive", true);
    private static final Map<String, Object> INACTIVE = Map.of("id", "f:c:2", "username", "bob", "isActive", false);
    private static final String MASKAPI_EXAMPLE = "// Example: block inactive users\n"
        + "if (!user.isActive) throw new Error(\"Inactive account\");\nreturn true;";

    @BeforeAll
    static void warmUp() {
        run("return true;", ACTIVE);
    }

    private static HookOutcome run(String code, Map<String, Object> user) {
        return HOOKS.run("test hook", code, user, null, "Access denied.", "Stopped.");
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
        HookOutcome ok = HOOKS.run("t", code, Map.of(), Map.of("email", "a@example.com"), "d", "s");
        HookOutcome no = HOOKS.run("t", code, Map.of(), Map.of("email", "a@other.org"), "d", "s");
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
    void noJavaFilesNetworkOrProcesses() {
        for (String escape : new String[] {
            "return Java.type('java.lang.Runtime') != null;",
            "return typeof Packages !== 'undefined' && java.lang.System.exit(1);",
            "load('/etc/passwd'); return true;",
            "return Polyglot.eval('js', '1') === 1;",
            "return typeof require === 'function' && require('fs') != null;",
            "return typeof process !== 'undefined' && process.exit(1);",
            "return new Worker('x') != null;",
        }) {
            HookOutcome outcome = run(escape, ACTIVE);
            assertTrue(!outcome.allowed(), escape + " -> " + outcome);
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
        }) {
            long start = System.nanoTime();
            HookOutcome outcome = run(runaway, ACTIVE);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(HookOutcome.Verdict.STOPPED, outcome.verdict(), runaway + " -> " + outcome);
            assertEquals("Stopped.", outcome.message());
            assertTrue(millis < HookEngine.TIME_LIMIT_MILLIS + 2_000, runaway + " took " + millis + " ms");
            System.out.printf("%-70s stopped after %5d ms: %s%n", runaway, millis, outcome.reason());
        }
        Set<String> added = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
            .filter(t -> !t.getName().equals("tableauth-hook-watchdog")).map(Thread::getName)
            .collect(Collectors.toSet());
        assertEquals(Set.of(), added);
        // And the engine still serves the next login.
        assertEquals(HookOutcome.Verdict.ALLOW, run(MASKAPI_EXAMPLE, ACTIVE).verdict());
    }
}
