package io.tableauth.keycloak;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.Errors;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.endpoints.TokenEndpoint;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Keycloak's token endpoint behind a JSON call: the REST API's form is installed as the current request and
 * {@code TokenEndpoint.processGrantRequest} runs as it does for {@code /protocol/openid-connect/token} (HTTPS rule,
 * realm, client authentication, duplicated and over-long parameters, DPoP, then the grant). What it answered comes
 * back as a {@link Result} whose outcome is decided by the event's error code.
 */
public final class TokenGrants {

    private TokenGrants() {
    }

    /**
     * The answer of one grant.
     *
     * @param tokens      the tokens, for {@link GrantOutcome#SUCCESS}
     * @param outcome     what the answer means
     * @param description Keycloak's error description (for {@link GrantOutcome#DENIED}, meant for the user), or null
     * @param userId      the user the event names, or null
     * @param error       the event's error code, or null
     */
    public record Result(AccessTokenResponse tokens, GrantOutcome outcome, String description, String userId,
                         String error) {

        public boolean ok() {
            return outcome == GrantOutcome.SUCCESS;
        }
    }

    /** Runs a grant Keycloak serves itself (refresh_token, authorization_code...) with the given form. */
    public static Result run(KeycloakSession session, RecordingEvents event, Map<String, String> form) {
        return run(session, event, form, () -> false);
    }

    /**
     * Runs one step of a REST password login through {@link PasswordGrant}: {@code form} holds the client and the
     * user's input (username, password, otp); the grant type is set here.
     */
    public static Result password(KeycloakSession session, RecordingEvents event, Map<String, String> form,
                                  PasswordGrant.Step step) {
        Map<String, String> withGrant = new java.util.LinkedHashMap<>(form);
        PasswordGrant.CodeRequest code = session.getAttribute(PasswordGrant.CodeRequest.ATTRIBUTE,
            PasswordGrant.CodeRequest.class);
        if (code != null) {
            code.form().forEach(withGrant::putIfAbsent); // the client's authentication, scope, resource
        }
        withGrant.put("grant_type", PasswordGrant.GRANT_TYPE);
        session.setAttribute(PasswordGrant.Step.ATTRIBUTE, step);
        try {
            return run(session, event, withGrant, step::emailNotVerified);
        } finally {
            session.removeAttribute(PasswordGrant.Step.ATTRIBUTE);
        }
    }

    private static Result run(KeycloakSession session, RecordingEvents event, Map<String, String> form,
                              BooleanSupplier emailNotVerified) {
        Response response = withForm(session, form,
            () -> new TokenEndpoint(session, new TokenManager(), event).processGrantRequest());
        Object entity = response.getEntity();
        String userId = event.userId();
        String eventError = event.sentError();
        if (response.getStatus() == 200 && entity instanceof AccessTokenResponse tokens) {
            return new Result(tokens, GrantOutcome.SUCCESS, null, userId, null);
        }
        String oauthError = null;
        String description = null;
        if (entity instanceof OAuth2ErrorRepresentation rep) {
            oauthError = rep.getError();
            description = rep.getErrorDescription();
        } else if (entity instanceof Map<?, ?> map) {
            oauthError = map.get("error") == null ? null : map.get("error").toString();
            description = map.get("error_description") == null ? null : map.get("error_description").toString();
        }
        boolean disabledNotLocked = Errors.USER_DISABLED.equals(eventError) && disabledNotLocked(session, userId);
        GrantOutcome outcome = GrantOutcome.of(eventError, oauthError, response.getStatus(), disabledNotLocked,
            emailNotVerified.getAsBoolean());
        return new Result(null, outcome, description != null ? description : oauthError, userId, eventError);
    }

    /** The user is disabled by an administrator (or the application's table), not by a brute-force lockout. */
    private static boolean disabledNotLocked(KeycloakSession session, String userId) {
        RealmModel realm = session.getContext().getRealm();
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        if (user == null || user.isEnabled()) {
            return false;
        }
        return !realm.isBruteForceProtected()
            || !session.getProvider(BruteForceProtector.class).isPermanentlyLockedOut(session, realm, user);
    }

    /**
     * Runs Keycloak code with the given form as the current request (see {@link FormRequest}); an error it throws as
     * a JAX-RS exception comes back as its response.
     */
    private static Response withForm(KeycloakSession session, Map<String, String> form, Supplier<Response> call) {
        HttpRequest original = session.getContext().getHttpRequest();
        session.getContext().setHttpRequest(new FormRequest(original, form));
        try {
            return call.get();
        } catch (WebApplicationException e) {
            return e.getResponse();
        } finally {
            session.getContext().setHttpRequest(original);
        }
    }

    /**
     * Whether Keycloak refused a refresh because another refresh of the same session holds its lock (with "Revoke
     * refresh token" on; a node that died mid-refresh leaves the lock for up to a minute). Keycloak throws a plain
     * RuntimeException for it ({@code AbstractRefreshTokenProvider}) with no code, so its text is all there is.
     */
    public static boolean refreshLocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("serialization lock for token refresh")) {
                return true;
            }
        }
        return false;
    }
}
