package io.tableauth.rest.dialect.oauth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.FirstPartyLogins;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.dialect.DialectResource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;

/**
 * The authorization challenge endpoint of OAuth 2.0 for First-Party Applications
 * (draft-ietf-oauth-first-party-apps-04, sections 4-5), {@code POST /realms/{realm}/api/oauth/authorize-challenge}:
 * form-encoded requests, JSON answers in the draft's shapes. The steps themselves are {@link FirstPartyLogins}'.
 */
public class AuthorizationChallengeResource extends DialectResource {

    /** The client's authentication, passed on to Keycloak's token endpoint with each step; never stored. */
    private static final List<String> CLIENT_AUTHENTICATION = List.of(OAuth2Constants.CLIENT_SECRET,
        OAuth2Constants.CLIENT_ASSERTION, OAuth2Constants.CLIENT_ASSERTION_TYPE);
    /** What the first request fixes for the code: scope, resource indicators. */
    private static final List<String> FOR_THE_CODE = List.of(OAuth2Constants.SCOPE, OAuth2Constants.RESOURCE);

    public AuthorizationChallengeResource(KeycloakSession session) {
        super(session);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Tag(name = "OAuth")
    @Operation(summary = "Authorization challenge (draft-ietf-oauth-first-party-apps-04): a first-party app's login, "
        + "step by step, ending in an authorization code for Keycloak's token endpoint")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED,
        schema = @Schema(implementation = Challenge.Request.class)))
    @APIResponse(responseCode = "200", description = "The authorization code",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.Code.class)))
    @APIResponse(responseCode = "403", description = "insufficient_authorization (the next step, under auth_session), "
        + "redirect_to_web (a step only the browser can do), access_denied (a login hook)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.Error.class)))
    @APIResponse(responseCode = "default", description = "400 invalid_request, invalid_grant (wrong or unknown "
        + "credentials), invalid_session, unauthorized_client (not first-party); 401 invalid_client; 429 "
        + "too_many_requests (Retry-After); 503 temporarily_unavailable",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.Error.class)))
    public Response authorizationChallenge() {
        return run(() -> {
            Map<String, String> params = form();
            FirstPartyLogins logins = new FirstPartyLogins(session);
            String dpopJkt = FirstPartyLogins.dpopJkt(header("DPoP"));
            String authSession = params.get("auth_session");
            if (authSession != null) {
                return answer(logins.resume(authSession, params.get(OAuth2Constants.CLIENT_ID), dpopJkt,
                    only(params, CLIENT_AUTHENTICATION), new FirstPartyLogins.Credentials(
                        params.get(OAuth2Constants.PASSWORD), params.get("otp"), params.get("recovery_code"),
                        params.get("webauthn_response")),
                    new FirstPartyLogins.StepUp(params.get(OAuth2Constants.ACR_VALUES), params.get("max_age"),
                        params.get(OAuth2Constants.CODE_CHALLENGE), params.get(OAuth2Constants.CODE_CHALLENGE_METHOD),
                        only(params, FOR_THE_CODE))));
            }
            String responseType = params.get(OAuth2Constants.RESPONSE_TYPE);
            if (!OAuth2Constants.CODE.equals(responseType)) {
                throw AuthError.validation(OAuth2Constants.RESPONSE_TYPE, responseType == null
                    ? "response_type is required (code)." : "response_type must be code.");
            }
            Project project = logins.firstParty(clientId(params));
            String challenge = params.get(OAuth2Constants.CODE_CHALLENGE);
            FirstPartyLogins.requirePkce(challenge, params.get(OAuth2Constants.CODE_CHALLENGE_METHOD));
            FirstPartyLogins.Start start = new FirstPartyLogins.Start(project.client(), challenge, "S256", dpopJkt,
                logins.redirectUri(project.client(), params.get(OAuth2Constants.REDIRECT_URI)),
                only(params, FOR_THE_CODE), only(params, CLIENT_AUTHENTICATION),
                logins.demand(project.client(), params.get(OAuth2Constants.ACR_VALUES), params.get("max_age")));
            String username = params.get(OAuth2Constants.USERNAME);
            if (username == null || username.isBlank()) {
                throw AuthError.validation(OAuth2Constants.USERNAME, "username is required.");
            }
            String password = params.get(OAuth2Constants.PASSWORD);
            return answer(password == null ? logins.passkeyOptions(start, username) : logins.password(start, username,
                password));
        });
    }

    /** The request's form: one value per parameter (RFC 6749 section 3.1); INVALID_REQUEST for anything else. */
    private Map<String, String> form() {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(type)) {
            throw new AuthError(AuthError.Kind.VALIDATION, "The request must be application/x-www-form-urlencoded");
        }
        requireDeclaredLengthWithinLimit();
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        Map<String, String> one = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            if (e.getValue().size() != 1) {
                throw AuthError.validation(e.getKey(), e.getKey() + " is given more than once.");
            }
            String value = e.getValue().get(0);
            if (value != null && !value.isEmpty()) {
                one.put(e.getKey(), value);
            }
        }
        return one;
    }

    private static Map<String, String> only(Map<String, String> params, List<String> names) {
        Map<String, String> some = new LinkedHashMap<>();
        for (String name : names) {
            if (params.get(name) != null) {
                some.put(name, params.get(name));
            }
        }
        return some;
    }

    /** client_id, or the client named by HTTP Basic authentication. */
    private String clientId(Map<String, String> params) {
        String named = params.get(OAuth2Constants.CLIENT_ID);
        String authorization = header(HttpHeaders.AUTHORIZATION);
        if (named == null && authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return java.net.URLDecoder.decode(colon < 0 ? pair : pair.substring(0, colon), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new AuthError(AuthError.Kind.UNKNOWN_PROJECT, "Invalid client authentication");
            }
        }
        return named;
    }

    private static Response answer(FirstPartyLogins.Outcome outcome) {
        if (outcome.authorizationCode() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("authorization_code", outcome.authorizationCode());
            body.put("auth_session", outcome.authSession()); // for a step-up later (section 5.3.1, section 7)
            return noStore(json(200, body));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "insufficient_authorization");
        body.put("auth_session", outcome.authSession());
        if (outcome.otpRequired()) {
            body.put("error_description", "A one-time code is required: send otp (or recovery_code) with this "
                + "auth_session");
            body.put("otp_required", true);
        } else {
            body.put("error_description", "Send password, or webauthn_response (the passkey's answer to "
                + "webauthn_options), with this auth_session");
            body.put("password_required", true);
            body.put("webauthn_options", outcome.webauthnOptions());
        }
        return noStore(json(403, body));
    }

    @Override
    protected Response error(AuthError e) {
        String code;
        int status;
        switch (e.kind()) {
            case UNKNOWN_PROJECT -> {
                code = "invalid_client";
                status = 401;
            }
            case FORBIDDEN -> {
                code = "unauthorized_client";
                status = 400;
            }
            case INVALID_CREDENTIALS, ACCOUNT_DISABLED, OTP_REQUIRED, INVALID_OTP -> {
                code = "invalid_grant";
                status = 400;
            }
            case ACCOUNT_NOT_READY, EMAIL_NOT_VERIFIED, BROWSER_REQUIRED -> {
                code = "redirect_to_web";
                status = 403;
            }
            case DENIED -> {
                code = "access_denied";
                status = 403;
            }
            case INVALID_TOKEN -> {
                code = "invalid_session";
                status = 400;
            }
            case RATE_LIMITED -> {
                code = "too_many_requests";
                status = 429;
            }
            case UNAVAILABLE -> {
                code = "temporarily_unavailable";
                status = 503;
            }
            case MISCONFIGURED, INTERNAL -> {
                code = "server_error";
                status = 500;
            }
            default -> {
                code = "invalid_request";
                status = 400;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", e.message());
        if (status == 403 && e.fields().containsKey("request_uri")) {
            body.put("request_uri", e.fields().get("request_uri")); // RFC 9126, for the authorization endpoint
        }
        return noStore(json(status, body));
    }

    private static Response noStore(Response response) {
        return Response.fromResponse(response).header("Pragma", "no-cache").build();
    }
}
