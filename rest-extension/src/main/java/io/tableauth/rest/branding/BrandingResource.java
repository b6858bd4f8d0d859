package io.tableauth.rest.branding;

import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.keycloak.jose.jws.crypto.HashUtils;
import org.keycloak.models.KeycloakSession;

/** {@code GET /realms/{realm}/tableauth/branding.css}: the realm's {@link Branding} as the login theme links it. */
public class BrandingResource {

    private final KeycloakSession session;

    public BrandingResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("branding.css")
    @Produces("text/css")
    public Response css(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        String css = Branding.of(session.getContext().getRealm()).css();
        String etag = "\"" + HashUtils.sha256UrlEncodedHash(css, StandardCharsets.UTF_8) + "\"";
        // Revalidated on every page load: a change in the admin console shows at once, unchanged costs a 304.
        if (etag.equals(ifNoneMatch)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
        }
        return Response.ok(css, "text/css; charset=utf-8").header(HttpHeaders.ETAG, etag)
            .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }
}
