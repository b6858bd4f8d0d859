package io.tableauth.authenticator;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;

/**
 * One budget of wrong codes per user, the same on every node: {@value #TRIES} wrong codes (mailed login codes, the
 * codes that confirm a TOTP setup or removal) in any {@value #WINDOW_SECONDS} seconds. Each wrong code takes one
 * numbered slot in Keycloak's single-use store with {@link SingleUseObjectProvider#putIfAbsent}, which is atomic across
 * the cluster, and the slot frees itself when its window has passed. A new code, a cancelled setup or a started
 * removal frees nothing, and the budget holds whether the realm's brute-force detection is on or off (when it is on,
 * each wrong code also counts there).
 */
public final class WrongCodes {

    /** Wrong codes a user may send in one window. */
    public static final int TRIES = 5;
    /** How long each wrong code counts against its user. */
    public static final int WINDOW_SECONDS = 15 * 60;

    private static final String PREFIX = "tableauth-wrong-code:";

    private final SingleUseObjectProvider store;
    private final RealmModel realm;

    public WrongCodes(KeycloakSession session) {
        this.store = session.singleUseObjects();
        this.realm = session.getContext().getRealm();
    }

    /** Has the user no wrong code left: no code of theirs is to be checked until a slot frees itself. */
    public boolean usedUp(UserModel user) {
        for (int slot = 0; slot < TRIES; slot++) {
            if (!store.contains(key(user, slot))) {
                return false;
            }
        }
        return true;
    }

    /** Counts one wrong code; true when the user has none left now. */
    public boolean spend(UserModel user) {
        for (int slot = 0; slot < TRIES; slot++) {
            if (store.putIfAbsent(key(user, slot), WINDOW_SECONDS)) {
                return usedUp(user);
            }
        }
        return true;
    }

    /** Frees the user's budget: they proved themselves with a right code. */
    public void clear(UserModel user) {
        for (int slot = 0; slot < TRIES; slot++) {
            store.remove(key(user, slot));
        }
    }

    private String key(UserModel user, int slot) {
        return PREFIX + realm.getId() + ':' + user.getId() + ':' + slot;
    }
}
