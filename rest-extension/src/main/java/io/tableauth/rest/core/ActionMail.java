package io.tableauth.rest.core;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

import io.tableauth.storage.FailureTimes;
import io.tableauth.storage.FreshUsers;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.Urls;

/**
 * What the mailed account links share (password reset, e-mail verification): a Keycloak action token of a type of
 * ours, signed with the realm's keys, bound to a user and the e-mail it went to, expiring, redeemable once on every
 * node; and the mail itself, sent after the request's answer.
 */
final class ActionMail {

    private static final Logger LOG = Logger.getLogger(ActionMail.class);

    /** The token in a mailed link. */
    public static class MailToken extends DefaultActionToken {

        public MailToken() {
            // for JSON
        }

        MailToken(String userId, String type, int expiresAt, String email) {
            super(userId, type, expiresAt, UUID.randomUUID());
            setEmail(email);
        }
    }

    /** Renders and sends one mail of Keycloak's email templates. */
    interface Template {
        void send(EmailTemplateProvider mail) throws EmailException;
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    ActionMail(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** An event of the realm for a mailed-link call, marked as coming from tableauth's REST API. */
    EventBuilder event(EventType type) {
        return Events.of(session).event(type)
            .detail(Details.REASON, "tableauth REST");
    }

    /** A signed token of {@code type} for the user (null: a token for nobody, signed all the same, never sent). */
    String issue(UserModel user, String email, String type, int lifespanSeconds) {
        return new MailToken(user == null ? "" : user.getId(), type, Time.currentTime() + lifespanSeconds, email)
            .serialize(session, realm, session.getContext().getUri());
    }

    /** As {@link #issue(UserModel, String, String, int)}, carrying one more value, read back with getNote. */
    String issue(UserModel user, String email, String type, int lifespanSeconds, String note, String value) {
        MailToken token = new MailToken(user.getId(), type, Time.currentTime() + lifespanSeconds, email);
        token.setNote(note, value);
        return token.serialize(session, realm, session.getContext().getUri());
    }

    /**
     * Evens out the answer time of a mail request ({@code call}: which one) between addresses that are someone's and
     * addresses that are not: a lookup that misses asks every user storage, a hit stops at the first. The time each
     * kind took is kept per realm and call on this node ({@link FailureTimes}), and every answer is held to the slower
     * kind's 90th percentile.
     */
    void evenOut(String call, boolean known, long startedNanos) {
        FailureTimes times = FailureTimes.of(realm.getId() + "/mail/" + call);
        long took = System.nanoTime() - startedNanos;
        times.record(known ? FailureTimes.TABLE_VERIFY : FailureTimes.REALM_HASH, took);
        long floor = times.floorNanos();
        if (floor > took) {
            FailureTimes.waitFor(floor - took);
        }
    }

    /** A token that checked out, and its user; {@link #useUp} makes it the token's only use. */
    record Checked(MailToken token, UserModel user) {
    }

    /** The valid, unexpired token of {@code type} and its (enabled) user; INVALID_TOKEN for anything else. */
    Checked check(String token, String type, String invalidMessage) {
        AuthError invalid = new AuthError(AuthError.Kind.INVALID_TOKEN, invalidMessage);
        if (token == null || token.isBlank()) {
            throw invalid;
        }
        MailToken t = session.tokens().decode(token.trim(), MailToken.class);
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        if (t == null || !type.equals(t.getActionId()) || !t.isActive() || !issuer.equals(t.getIssuer())
            || t.getActionVerificationNonce() == null || t.getUserId() == null || t.getUserId().isEmpty()) {
            throw invalid;
        }
        UserModel user = FreshUsers.byId(session, realm, t.getUserId());
        if (user == null || !user.isEnabled() || t.getEmail() == null || !t.getEmail().equalsIgnoreCase(user.getEmail())) {
            throw invalid;
        }
        return new Checked(t, user);
    }

    /** Uses the token up, on every node (its nonce is kept until it expires); INVALID_TOKEN when it was used. */
    void useUp(Checked checked, String invalidMessage) {
        MailToken t = checked.token();
        if (!session.singleUseObjects().putIfAbsent(t.serializeKey(), Math.max(1, t.getExp() - Time.currentTime()))) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, invalidMessage);
        }
    }

    /**
     * Sends the mail on Keycloak's executor once this request's transaction has committed: the answer does not wait
     * for the mail server (so its time says nothing about the e-mail), and a request that rolled back sends nothing.
     */
    void sendAfterAnswer(UserModel user, String what, Template template) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        String userId = user.getId();
        ExecutorService executor = session.getProvider(ExecutorsProvider.class).getExecutor("tableauth-mail");
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                executor.execute(() -> {
                    try {
                        KeycloakModelUtils.runJobInTransaction(factory, s -> {
                            RealmModel r = s.realms().getRealm(realmId);
                            if (r == null) {
                                return;
                            }
                            s.getContext().setRealm(r); // user storage (an auth config) needs it
                            UserModel u = s.users().getUserById(r, userId);
                            if (u != null) {
                                send(s, r, u);
                            }
                        });
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "tableauth: the %s mail of realm %s failed", what, realmId);
                    }
                });
            }

            @Override
            protected void rollbackImpl() {
                // nothing to send
            }

            private void send(KeycloakSession s, RealmModel r, UserModel u) {
                try {
                    template.send(s.getProvider(EmailTemplateProvider.class).setRealm(r).setUser(u));
                } catch (EmailException e) {
                    LOG.warnf("tableauth: could not send the %s mail of realm %s: %s", what, r.getName(),
                        e.getMessage());
                }
            }
        });
    }

    /**
     * A link's or code's lifespan as the mail states it: whole minutes, rounded up, at least one (a lifespan of
     * 90 s says 2 minutes, not 1, and never 0).
     */
    static long minutes(int lifespanSeconds) {
        return Math.max(1, (lifespanSeconds + 59L) / 60);
    }

    /**
     * The allowed page a mailed link leads to: the one asked for (its query kept, a fragment dropped) when it is on
     * the allow list, or the list's first when none is asked for. {@code field} names the request's field in a
     * refusal; {@code unset} is the message when the list is empty; {@code what} starts the refusal's message.
     */
    static String page(List<String> allowed, String requested, String field, String unset, String what) {
        if (requested == null || requested.isBlank()) {
            if (allowed.isEmpty()) {
                throw new AuthError(AuthError.Kind.MISCONFIGURED, unset);
            }
            return allowed.get(0);
        }
        if (allowed.isEmpty()) {
            throw AuthError.validation(field, what + " is not on the allow list."); // nothing to compare: not read
        }
        String asked = requested.trim();
        if (asked.length() > InputLimits.MAX_URL_LENGTH) {
            throw AuthError.validation(field, what + " is longer than " + InputLimits.MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = URI.create(asked);
        } catch (IllegalArgumentException e) {
            throw AuthError.validation(field, what + " is not a valid URL.");
        }
        String page = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!uri.isAbsolute() || uri.getRawAuthority() == null
            || allowed.stream().noneMatch(TableauthSettings.normaliseResetUrl(page)::equals)) {
            throw AuthError.validation(field, what + " is not on the allow list.");
        }
        refuseLinkParameters(uri.getRawQuery(), field, what);
        return uri.getRawFragment() == null ? asked : asked.substring(0, asked.indexOf('#'));
    }

    /** The query parameters a mailed link adds to its page; a requested page may carry none of them. */
    static final List<String> LINK_PARAMETERS = List.of("token");

    /**
     * A requested page whose query already names a parameter the mail adds would make a link with two (the page's
     * first, which an attacker chose, is what many frameworks read): refused, by the name as a framework decodes it
     * (percent-decoded, any case, PHP's {@code token[]} too).
     */
    private static void refuseLinkParameters(String rawQuery, String field, String what) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("[&;]")) {
            int eq = pair.indexOf('=');
            String name;
            try {
                name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw AuthError.validation(field, what + " is not a valid URL.");
            }
            int bracket = name.indexOf('[');
            String bare = (bracket < 0 ? name : name.substring(0, bracket)).trim().toLowerCase(java.util.Locale.ROOT);
            if (LINK_PARAMETERS.contains(bare)) {
                throw AuthError.validation(field, what + " may not carry a " + bare + " parameter: the link adds its own.");
            }
        }
    }
}
