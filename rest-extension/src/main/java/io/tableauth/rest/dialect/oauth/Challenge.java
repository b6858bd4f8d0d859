package io.tableauth.rest.dialect.oauth;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The authorization challenge endpoint's request and answers, for its OpenAPI document. */
final class Challenge {

    private Challenge() {
    }

    @Schema(name = "AuthorizationChallengeRequest", description = "Form-encoded. The first request of a login: "
        + "response_type=code, client_id (or the client's authentication), code_challenge + code_challenge_method "
        + "(S256), scope, and username + password, or username alone for a passkey. A later request: auth_session "
        + "with otp, recovery_code, password or webauthn_response. A step-up: the auth_session a code came with, "
        + "acr_values and/or max_age, and a new code_challenge.")
    record Request(
        @Schema(description = "code") String response_type,
        String client_id,
        String scope,
        @Schema(description = "PKCE (RFC 7636), S256") String code_challenge,
        @Schema(description = "S256") String code_challenge_method,
        String username,
        String password,
        @Schema(description = "From the previous answer") String auth_session,
        @Schema(description = "The TOTP code") String otp,
        @Schema(description = "One of the user's 2FA recovery codes") String recovery_code,
        @Schema(description = "The passkey's AuthenticationResponseJSON, as a string") String webauthn_response,
        @Schema(description = "One of the client's redirect URIs: where a login that must go on in the browser "
            + "(redirect_to_web) returns its code") String redirect_uri,
        @Schema(description = "The level the login must reach: names of the realm's ACR to LoA mapping, or 1 (one "
            + "factor) or 2 (two); any one of them will do") String acr_values,
        @Schema(description = "With a step-up: the largest age in seconds the user's authentication may have")
        Integer max_age) {
    }

    @Schema(name = "AuthorizationChallengeCode")
    record Code(@Schema(description = "For Keycloak's token endpoint: grant_type=authorization_code, client_id, code, "
        + "code_verifier; no redirect_uri") String authorization_code,
                @Schema(description = "For a later step-up: send it with acr_values and/or max_age and a new "
                    + "code_challenge") String auth_session) {
    }

    @Schema(name = "AuthorizationChallengeError")
    record Error(String error, String error_description,
                 @Schema(description = "With insufficient_authorization: send it with the next step") String auth_session,
                 @Schema(description = "With insufficient_authorization: a one-time code is the next step")
                 Boolean otp_required,
                 @Schema(description = "With insufficient_authorization: the password (or a passkey) is the next "
                     + "step") Boolean password_required,
                 @Schema(description = "With insufficient_authorization after a name alone: "
                     + "PublicKeyCredentialRequestOptionsJSON") Map<String, Object> webauthn_options,
                 @Schema(description = "With redirect_to_web, when the first request gave a redirect_uri: a pushed "
                     + "authorization request (RFC 9126) for Keycloak's authorization endpoint") String request_uri) {
    }
}
