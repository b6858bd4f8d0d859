package io.tableauth.rest.core;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.common.util.HtmlUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Tells a user by mail that a way into their account was added (a passkey, an API key, an authenticator app, new
 * recovery codes), through the realm's e-mail theme, after the request's answer: whoever added it, the owner of the
 * address learns of it. Users without an address, and realms without SMTP, get no mail.
 */
public final class CredentialNotice {

    /** What was added, as the mail names it. */
    public enum Kind {
        PASSKEY("A passkey"),
        API_KEY("An API key"),
        AUTHENTICATOR_APP("An authenticator app (two-factor authentication)"),
        RECOVERY_CODES("A new set of two-factor recovery codes");

        private final String phrase;

        Kind(String phrase) {
            this.phrase = phrase;
        }
    }

    private final KeycloakSession session;

    public CredentialNotice(KeycloakSession session) {
        this.session = session;
    }

    /** Mails the user that {@code kind} (named {@code name}, or null) was added to their account. */
    public void added(UserModel user, Kind kind, String name) {
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            return;
        }
        String what = name == null || name.isBlank() ? kind.phrase : kind.phrase + " named \"" + name.trim() + "\"";
        Map<String, Object> attributes = new HashMap<>(Map.of("what", what, "whatHtml", HtmlUtils.escapeAttribute(what)));
        new ActionMail(session).sendAfterAnswer(user, "credential added", m -> m.send("tableauthCredentialAddedSubject",
            "tableauth-credential-added.ftl", attributes));
    }
}
