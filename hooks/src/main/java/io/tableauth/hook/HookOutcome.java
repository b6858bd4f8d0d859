package io.tableauth.hook;

/**
 * What a hook decided.
 *
 * @param verdict allow, deny (the script said no) or stopped (the script broke a limit or failed in the sandbox)
 * @param message for DENY and STOPPED, the sentence the user sees; {@code null} for ALLOW
 * @param reason  for STOPPED, why, for the server log (never shown to users); {@code null} otherwise
 */
public record HookOutcome(Verdict verdict, String message, String reason) {

    /** The three ways a hook run ends. */
    public enum Verdict { ALLOW, DENY, STOPPED }

    public static final HookOutcome ALLOWED = new HookOutcome(Verdict.ALLOW, null, null);

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }
}
