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

        static Outcome code(String code) {
            return new Outcome(code, null, false, null);
        }
    }

    /**
     * What the first request of a login fixes for all its steps: the client, PKCE, the DPoP key (or null), and the
     * form fields the code carries ({@code scope}, {@code resource}). {@code clientAuthentication} is this request's
     * own ({@code client_secret}, {@code client_assertion}...): each request authenticates the client again, as the
     * token endpoint would, and it is never stored.
     */
    public record Start(ClientModel client, String codeChallenge, String codeChallengeMethod, String dpopJkt,
                        String redirectUri, Map<String, String> form, Map<String, String> clientAuthentication) {
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

    /** A password login: a code, or the second factor it waits for. */
    public Outcome password(Start start, String username, String password) {
        return step(start, () -> new LoginService(session).login(project(start), username, password, null, true));
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
                          Credentials credentials) {
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
            notes.get("redirect_uri"), form, clientAuthentication);
        String waiting = notes.get("temp");
        if (waiting != null) { // the second factor
            if (credentials.otp() == null && credentials.recoveryCode() == null) {
                throw AuthError.validation("otp", "otp (or recovery_code) is required with this auth_session.");
            }
            return step(start, () -> new LoginService(session).completeSecondFactor(waiting, credentials.otp(),
                credentials.recoveryCode()));
        }
        if (credentials.webauthnResponse() != null) {
            return step(start, () -> new PasskeyService(session).login(project(start), notes.get("challenge"),
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

    /** Runs one login step under the start's code request: its code, or the second factor it waits for. */
    private Outcome step(Start start, LoginStep login) {
        Map<String, String> form = new HashMap<>(start.form());
        form.putAll(start.clientAuthentication());
        PasswordGrant.CodeRequest request = new PasswordGrant.CodeRequest(start.codeChallenge(),
            start.codeChallengeMethod(), form);
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
            Map<String, String> notes = notes(start);
            notes.put("temp", done.tempToken());
            return new Outcome(null, issue(notes), true, null);
        }
        if (request.code() == null) {
            throw new AuthError(AuthError.Kind.INTERNAL, "The login ended without a code");
        }
        return Outcome.code(request.code());
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
        String verified = org.keycloak.protocol.oidc.utils.RedirectUtils.verifyRedirectUri(session, redirectUri,
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
        return notes;
    }

    private String issue(Map<String, String> notes) {
        String authSession = SecretGenerator.getInstance().randomString(48); // 48 of 62 characters: 285 bits
        int ttl = Math.max(30, Math.min(SESSION_SECONDS, realm.getAccessCodeLifespanLogin()));
        session.singleUseObjects().put(KEY + Digests.sha256Hex(authSession), ttl, notes);
        return authSession;
    }
}
