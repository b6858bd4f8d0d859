package io.tableauth.rest.gateway;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Forward-auth's bodies, as records: what {@link ForwardAuthResource} answers (the identity also goes in headers). */
public final class ForwardAuth {

    private ForwardAuth() {
    }

    /** The caller of an allowed request. {@code authConfig} is null for a Keycloak-local user. */
    @Schema(name = "ForwardAuthIdentity", requiredProperties = {"userId", "username", "authConfig", "method",
        "apiKeyId", "scopes"})
    public record Identity(String userId, String username, @Schema(nullable = true) String authConfig,
                           @Schema(enumeration = {"jwt", "api-key", "api-key-token"}) String method,
                           @Schema(nullable = true) String apiKeyId, List<String> scopes) {
    }

    /** A refusal: {@code error} is unauthorized, forbidden, unavailable, unsupported or internal. */
    @Schema(name = "ForwardAuthRefusal", requiredProperties = {"error", "message"})
    public record Refusal(String error, String message) {
    }
}
