package io.tableauth.rest.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tableauth.keycloak.PasswordGrant;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.jose.jwk.JWK;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JWKSUtils;

/**
 * OAuth 2.0 for First-Party Applications (draft-ietf-oauth-first-party-apps-04): a first-party app's own login screen
 * runs the realm's login step by step over plain HTTP and ends with an authorization code, which the app redeems at
 * Keycloak's token endpoint with its PKCE verifier. Each step is a REST login of {@link LoginService},
 * {@link PasskeyService} or a second factor, with every rule they keep (flows, brute force, hooks, required actions,
 * rate limits, the same answer for unknown users and wrong passwords); only the end differs: a code, not tokens.
 *
 * <p>Between steps the login waits under an {@code auth_session}: about 285 random bits, kept in Keycloak's single-use store
 * (its SHA-256 is the key, so any node can take it, and only once), bound to the client, to the PKCE challenge of the
 * first request and, when that request carried a DPoP proof, to the proof's key. Each step uses its auth session up;
 * a step that needs another one answers a new one.
 */
public final class FirstPartyLogins {

    private static final String KEY = "tableauth-auth-session:";
    /** How long a login waits for its next step, at most (the realm's login lifespan may be shorter). */
    static final int SESSION_SECONDS = 300;

    /** What a step gave: an authorization code, or the next step the login waits for under a new auth session. */
    public record Outcome(String authorizationCode, String authSession, boolean otpRequired,
                          Map<String, Object> webauthnOptions) {

        static Outcome code(String code, String stepUpSession) {
            return new Outcome(code, stepUpSession, false, null);
        }
    }

    /**
     * What the first request of a login fixes for all its steps: the client, PKCE, the DPoP key (or null), and the
     * form fields the code carries ({@code scope}, {@code resource}). {@code clientAuthentication} is this request's
     * own ({@code client_secret}, {@code client_assertion}...): each request authenticates the client again, as the
     * token endpoint would, and it is never stored.
     */
    public record Start(ClientModel client, String codeChallenge, String codeChallengeMethod, String dpopJkt,
                        String redirectUri, Map<String, String> form, Map<String, String> clientAuthentication,
                        Demand demand) {

        public Start(ClientModel client, String codeChallenge, String codeChallengeMethod, String dpopJkt,
                     String redirectUri, Map<String, String> form, Map<String, String> clientAuthentication) {
            this(client, codeChallenge, codeChallengeMethod, dpopJkt, redirectUri, form, clientAuthentication,
                Demand.NONE);
        }

        Start with(Demand demand) {
            return new Start(client, codeChallenge, codeChallengeMethod, dpopJkt, redirectUri, form,
                clientAuthentication, demand);
        }
    }

    /**
     * What a login must reach besides a right answer: a level of authentication ({@code acr_values}), and, for a
     * step-up, the user it must be (the one of the earlier login) and when that user authenticated, where the login
     * stands on it without a new password.
     *
     * @param level    the lowest level the code may carry, 0 for any
     * @param userId   the user the login must end with, or null
     * @param authTime the earlier login's time in seconds, for a login that asks no new password; else null
     */
    public record Demand(int level, String userId, Integer authTime) {
        static final Demand NONE = new Demand(0, null, null);
    }

    /**
     * The step-up part of a request with an auth session a code came with (section 7 of the draft, RFC 9470): the
     * level and freshness the resource asked for, and the new code's PKCE challenge and scope.
     *
     * @param acrValues the requested ACR values, space-separated (any one of them will do), or null
     * @param maxAge    the largest age in seconds the user's authentication may have, or null
     */
    public record StepUp(String acrValues, String maxAge, String codeChallenge, String codeChallengeMethod,
                         Map<String, String> forTheCode) {

        boolean asked() {
            return acrValues != null || maxAge != null;
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public FirstPartyLogins(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * The client of a first request, which must be the realm's default client or one of its {@code firstPartyClients}
     * (FORBIDDEN otherwise, whatever the credentials).
     */
    public Project firstParty(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            throw AuthError.validation("client_id", "client_id is required.");
        }
        Project project = new ProjectService(session).project(clientId.trim(), null, false);
        if (!TableauthSettings.of(session).firstParty(project.client().getClientId())) {
            throw new AuthError(AuthError.Kind.FORBIDDEN, "This client is not a first-party application of the realm");
        }
        if (!project.client().isStandardFlowEnabled()) { // else Keycloak's token endpoint refuses the code
            throw new AuthError(AuthError.Kind.FORBIDDEN, "This client may not redeem authorization codes: turn its "
                + "Standard flow on");
        }
        return project;
    }

    /** A request that ends in a code carries its PKCE challenge (RFC 7636), S256 only; INVALID_REQUEST otherwise. */
    public static void requirePkce(String challenge, String method) {
        if (challenge == null || !challenge.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw AuthError.validation("code_challenge", "code_challenge is required: the PKCE challenge (RFC 7636), 43 "
                + "to 128 characters.");
        }
        if (!"S256".equals(method)) {
            throw AuthError.validation("code_challenge_method", "code_challenge_method must be S256.");
        }
    }

    /**
     * What a first request's {@code acr_values} demand of its login ({@code max_age} is met by any login that starts
     * now, but must be a number).
     */
    public Demand demand(ClientModel client, String acrValues, String maxAge) {
        maxAge(maxAge);
        int level = requestedLevel(client, acrValues);
        return level == 0 ? Demand.NONE : new Demand(level, null, null);
    }

    /** A password login: a code, or the second factor it waits for. */
    public Outcome password(Start start, String username, String password) {
        return step(start, null, () -> new LoginService(session).login(project(start), username, password, null,
            true));
    }

    /**
     * A name alone: the passkey request options of a discoverable login, the same whoever the name is (or whether
     * anyone has it), and an auth session in which the password or the passkey's response may follow.
     */
    public Outcome passkeyOptions(Start start, String username) {
        Map<String, Object> options = new LinkedHashMap<>(new PasskeyService(session).loginOptions(username));
        String challengeId = (String) options.remove("challengeId");
        Map<String, String> notes = notes(start);
        notes.put("username", username.trim());
        notes.put("challenge", challengeId);
        return new Outcome(null, issue(notes), false, options);
    }

    /**
     * The next step of a login waiting under {@code authSession}: its auth session is used up whatever happens. The
     * request must come from the session's client and, for a session bound to a DPoP key, prove that key.
     *
     * @param clientId the request's {@code client_id}, or null; when sent, it must name the session's client
     * @param dpopJkt  the thumbprint of the key of this request's DPoP proof, or null
     */
    public Outcome resume(String authSession, String clientId, String dpopJkt, Map<String, String> clientAuthentication,
                          Credentials credentials, StepUp stepUp) {
        new RateLimits(session).check();
        Map<String, String> notes = session.singleUseObjects().remove(KEY + Digests.sha256Hex(authSession.trim()));
        ClientModel client = notes == null ? null : realm.getClientById(notes.get("client"));
        if (client == null || (clientId != null && !clientId.trim().equals(client.getClientId()))
            || !java.util.Objects.equals(notes.get("jkt"), dpopJkt)) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired auth_session");
        }
        session.getContext().setClient(client);
        Map<String, String> form = new HashMap<>();
        notes.forEach((name, value) -> {
            if (name.startsWith("form.")) {
                form.put(name.substring(5), value);
            }
        });
        Start start = new Start(client, notes.get("pkce"), notes.get("pkce_method"), notes.get("jkt"),
            notes.get("redirect_uri"), form, clientAuthentication, new Demand(
                Integer.parseInt(notes.getOrDefault("level", "0")), notes.get("user"),
                notes.get("auth_time") == null ? null : Integer.valueOf(notes.get("auth_time"))));
        if (notes.get("step_up") != null) {
            return stepUp(start, notes, stepUp);
        }
        if (stepUp.asked()) {
            throw AuthError.validation("acr_values", "acr_values and max_age go with the auth_session a code came "
                + "with, or with a first request.");
        }
        String waiting = notes.get("temp");
        if (waiting != null) { // the second factor
            if (credentials.otp() == null && credentials.recoveryCode() == null) {
                throw AuthError.validation("otp", "otp (or recovery_code) is required with this auth_session.");
            }
            return step(start, start.demand().authTime(), () -> new LoginService(session).completeSecondFactor(waiting,
                credentials.otp(),
                credentials.recoveryCode()));
        }
        if (credentials.webauthnResponse() != null) {
            return step(start, null, () -> new PasskeyService(session).login(project(start), notes.get("challenge"),
                credentials.webauthnResponse()));
        }
        if (credentials.password() != null) {
            return password(start, notes.get("username"), credentials.password());
        }
        throw AuthError.validation("password", "password or webauthn_response is required with this auth_session.");
    }

    /** What a later request may carry: one of them. */
    public record Credentials(String password, String otp, String recoveryCode, String webauthnResponse) {
    }

    /**
     * The thumbprint (RFC 7638) of the key in a DPoP proof's header, or null without a proof. The proof itself is
     * checked by Keycloak's token endpoint in the step's grant (signature, method, URL, time, single use).
     */
    public static String dpopJkt(String proof) {
        if (proof == null || proof.isBlank()) {
            return null;
        }
        JWK key;
        try {
            key = new JWSInput(proof.trim()).getHeader().getKey();
        } catch (JWSInputException | RuntimeException e) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The DPoP proof is not a JWT");
        }
        if (key == null) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The DPoP proof carries no key");
        }
        try {
            return JWKSUtils.computeThumbprint(key);
        } catch (RuntimeException e) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The DPoP proof's key is not one a thumbprint is made of");
        }
    }

    @FunctionalInterface
    private interface LoginStep {
        Login run();
    }

    /**
     * Runs one login step under the start's code request: its code (with the auth session a step-up may come back
     * with), or the second factor it waits for. A code that does not meet the start's demand is withdrawn (its
     * user session ended): another user's passkey on a step-up is refused, a level this user cannot reach over the
     * API goes on in the browser.
     *
     * @param authTime for a login that stands on an earlier one without a new password: that login's time
     */
    private Outcome step(Start start, Integer authTime, LoginStep login) {
        Map<String, String> form = new HashMap<>(start.form());
        form.putAll(start.clientAuthentication());
        PasswordGrant.CodeRequest request = new PasswordGrant.CodeRequest(start.codeChallenge(),
            start.codeChallengeMethod(), form);
        if (authTime != null) {
            request.authenticatedAt(authTime);
        }
        PasswordGrant.CodeRequest.set(session, request);
        Login done;
        try {
            done = login.run();
        } catch (AuthError e) {
            if ((e.kind() == AuthError.Kind.ACCOUNT_NOT_READY || e.kind() == AuthError.Kind.EMAIL_NOT_VERIFIED)
                && start.redirectUri() != null) {
                throw new AuthError(e.kind(), e.message(), Map.of("request_uri", browserRequest(start)));
            }
            throw e;
        } finally {
            PasswordGrant.CodeRequest.set(session, null);
        }
        if (done.secondFactorRequired()) {
            Map<String, String> notes = notes(authTime == null ? start
                : start.with(new Demand(start.demand().level(), start.demand().userId(), authTime)));
            notes.put("temp", done.tempToken());
            return new Outcome(null, issue(notes), true, null);
        }
        if (request.code() == null) {
            throw new AuthError(AuthError.Kind.INTERNAL, "The login ended without a code");
        }
        Demand demand = start.demand();
        if (demand.userId() != null && (done.user() == null || !demand.userId().equals(done.user().getId()))) {
            withdraw(request);
            throw AuthError.invalidCredentials();
        }
        if (request.level() < demand.level()) {
            withdraw(request);
            throw inTheBrowser(start, "This level of authentication is reached in the browser: this user has no "
                + "second factor the API can ask for");
        }
        return Outcome.code(request.code(), stepUpSession(start, done, request));
    }

    /** A code that does not meet its demand: its user session ends, and the code with it. */
    private void withdraw(PasswordGrant.CodeRequest request) {
        org.keycloak.models.UserSessionModel made = session.sessions().getUserSession(realm, request.userSessionId());
        if (made != null) {
            session.sessions().removeUserSession(realm, made);
        }
    }

    /**
     * The auth session a code comes with (section 5.3.1 of the draft: every answer may carry one): with it, acr_values
     * and max_age start a step-up for the same user (section 7). It lives as long as the realm's SSO sessions may,
     * dies with the login's user session (a logout ends it), and is used up by its step-up.
     */
    private String stepUpSession(Start start, Login done, PasswordGrant.CodeRequest request) {
        Map<String, String> notes = notes(start.with(Demand.NONE));
        notes.remove("pkce");
        notes.remove("pkce_method");
        notes.put("step_up", "1");
        notes.put("user", done.user().getId());
        notes.put("username", done.user().getUsername());
        notes.put("user_session", request.userSessionId());
        notes.put("reached", String.valueOf(request.level()));
        notes.put("auth_time", String.valueOf(request.authTime()));
        return issue(notes, Math.max(60, realm.getSsoSessionMaxLifespan()));
    }

    /**
     * A step-up (section 7): the user of the earlier login, to the level and freshness asked. While that login is
     * fresh enough, the login stands on it and asks only what the level still needs (the one-time code, or nothing);
     * older, the user signs in again (password or passkey, then what the flow asks). A level above what the API's
     * steps reach (2) goes on in the browser.
     */
    private Outcome stepUp(Start earlier, Map<String, String> notes, StepUp stepUp) {
        if (!stepUp.asked()) {
            throw AuthError.validation("acr_values", "With the auth_session a code came with, send acr_values and/or "
                + "max_age (a step-up) and a new code_challenge.");
        }
        requirePkce(stepUp.codeChallenge(), stepUp.codeChallengeMethod()); // a new one: a step-up ends in a new code
        int level = requestedLevel(earlier.client(), stepUp.acrValues());
        Integer maxAge = maxAge(stepUp.maxAge());
        org.keycloak.models.UserSessionModel before = session.sessions().getUserSession(realm,
            notes.get("user_session"));
        org.keycloak.models.UserModel user = before == null ? null : before.getUser();
        if (user == null || !user.getId().equals(notes.get("user"))) {
            throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid or expired auth_session");
        }
        Map<String, String> form = new HashMap<>(earlier.form());
        form.putAll(stepUp.forTheCode());
        Start start = new Start(earlier.client(), stepUp.codeChallenge(), "S256", earlier.dpopJkt(),
            earlier.redirectUri(), form, earlier.clientAuthentication(), new Demand(level, user.getId(), null));
        if (level > 2) {
            throw inTheBrowser(start, "This level of authentication is reached in the browser");
        }
        int authTime = Integer.parseInt(notes.get("auth_time"));
        int reached = Integer.parseInt(notes.get("reached"));
        if (maxAge == null || org.keycloak.common.util.Time.currentTime() - authTime <= maxAge) {
            // fresh enough: the earlier login stands for the password (and for the second factor if it had one)
            return step(start, authTime, () -> new PasswordlessLogin(session).login(project(start), user, "step-up",
                reached >= 2));
        }
        Outcome again = passkeyOptions(start, notes.get("username"));
        return new Outcome(null, again.authSession(), false, again.webauthnOptions());
    }

    /**
     * The level {@code acr_values} asks for: the lowest of the values this realm knows (any one of them will do),
     * through the client's or realm's ACR to LoA mapping, or as a number. 0 without acr_values.
     */
    private static int requestedLevel(ClientModel client, String acrValues) {
        if (acrValues == null) {
            return 0;
        }
        Map<String, Integer> mapping = io.tableauth.keycloak.KeycloakInternals.acrLevels(client);
        int lowest = Integer.MAX_VALUE;
        for (String value : acrValues.trim().split("\\s+")) {
            Integer level = mapping.get(value);
            if (level == null && value.matches("[0-9]{1,2}")) {
                level = Integer.parseInt(value);
            }
            if (level != null) {
                lowest = Math.min(lowest, level);
            }
        }
        if (lowest == Integer.MAX_VALUE) {
            throw AuthError.validation("acr_values", "acr_values names no level this realm knows: use a value of its "
                + "ACR to LoA mapping, or 1 (password or passkey) or 2 (with a second factor).");
        }
        return lowest;
    }

    private static Integer maxAge(String maxAge) {
        if (maxAge == null) {
            return null;
        }
        if (!maxAge.trim().matches("[0-9]{1,9}")) {
            throw AuthError.validation("max_age", "max_age must be a number of seconds.");
        }
        return Integer.valueOf(maxAge.trim());
    }

    /** redirect_to_web, with a pushed request for the same login where the first request named a redirect URI. */
    private AuthError inTheBrowser(Start start, String message) {
        if (start.redirectUri() == null) {
            return new AuthError(AuthError.Kind.BROWSER_REQUIRED, message);
        }
        return new AuthError(AuthError.Kind.BROWSER_REQUIRED, message, Map.of("request_uri", browserRequest(start)));
    }

    /**
     * The login goes on in the browser (a required action the API cannot do): a pushed authorization request with
     * the login's client, redirect URI, scope, PKCE challenge and DPoP key, which Keycloak's authorization endpoint
     * takes as {@code request_uri}. The user signs in there again and does what is pending; the code comes to the
     * redirect URI and is redeemed with the same verifier.
     */
    private String browserRequest(Start start) {
        Map<String, String> params = new HashMap<>();
        params.put("client_id", start.client().getClientId());
        params.put("response_type", "code");
        params.put("redirect_uri", start.redirectUri());
        params.put("scope", start.form().getOrDefault("scope", "openid"));
        params.put("code_challenge", start.codeChallenge());
        params.put("code_challenge_method", start.codeChallengeMethod());
        if (start.dpopJkt() != null) {
            params.put("par.dpop.proof.jkt", start.dpopJkt());
        }
        if (start.demand().level() > 0) {
            params.put("acr_values", String.valueOf(start.demand().level()));
        }
        return io.tableauth.keycloak.KeycloakInternals.pushAuthorizationRequest(session, params);
    }

    /**
     * A first request's {@code redirect_uri}, for a login that may have to go on in the browser: one of the client's
     * valid redirect URIs, matched as Keycloak's authorization endpoint matches them; null when none was sent.
     */
    public String redirectUri(ClientModel client, String redirectUri) {
        if (redirectUri == null) {
            return null;
        }
        String verified = io.tableauth.keycloak.KeycloakInternals.verifiedRedirectUri(session, redirectUri,
            client);
        if (verified == null) {
            throw AuthError.validation("redirect_uri", "redirect_uri is not one of the client's redirect URIs.");
        }
        return verified;
    }

    private Project project(Start start) {
        return new Project(start.client(), null);
    }

    private static Map<String, String> notes(Start start) {
        Map<String, String> notes = new HashMap<>();
        notes.put("client", start.client().getId());
        notes.put("pkce", start.codeChallenge());
        notes.put("pkce_method", start.codeChallengeMethod());
        if (start.dpopJkt() != null) {
            notes.put("jkt", start.dpopJkt());
        }
        if (start.redirectUri() != null) {
            notes.put("redirect_uri", start.redirectUri());
        }
        start.form().forEach((name, value) -> notes.put("form." + name, value));
        Demand demand = start.demand();
        if (demand.level() > 0) {
            notes.put("level", String.valueOf(demand.level()));
        }
        if (demand.userId() != null) {
            notes.put("user", demand.userId());
        }
        if (demand.authTime() != null) {
            notes.put("auth_time", String.valueOf(demand.authTime()));
        }
        return notes;
    }

    private String issue(Map<String, String> notes) {
        return issue(notes, Math.max(30, Math.min(SESSION_SECONDS, realm.getAccessCodeLifespanLogin())));
    }

    private String issue(Map<String, String> notes, int seconds) {
        String authSession = SecretGenerator.getInstance().randomString(48); // 48 of 62 characters: 285 bits
        session.singleUseObjects().put(KEY + Digests.sha256Hex(authSession), seconds, notes);
        return authSession;
    }
}
