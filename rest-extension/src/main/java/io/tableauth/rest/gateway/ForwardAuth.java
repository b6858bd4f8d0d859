package io.tableauth.rest.gateway;

import java.nio.charset.StandardCharsets;
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

    /** A header-safe value: anything outside printable ASCII, and %, percent-encoded as UTF-8. */
    static String headerValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '%') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
