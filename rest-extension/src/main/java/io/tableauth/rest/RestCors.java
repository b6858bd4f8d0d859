package io.tableauth.rest;

import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.TableauthSettings;
import org.keycloak.http.HttpResponse;
import org.keycloak.models.KeycloakSession;

/** CORS for the tableauth REST API: only the origins on the realm's allow list, with credentials. */
public final class RestCors {

    static final String ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
    static final String ALLOW_HEADERS =
        "Authorization, Content-Type, x-mapi-key, x-mapi-auth-config-id, X-API-Key, X-Requested-With";
    static final String MAX_AGE = "600";

    private RestCors() {
    }

    /** Adds the CORS headers of an actual (non-preflight) request when its origin is allowed. */
    public static void actual(KeycloakSession session) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        HttpResponse response = session.getContext().getHttpResponse();
        response.setHeader("Vary", "Origin");
        if (origin != null && TableauthSettings.of(session).originAllowed(origin)) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
    }

    /** Answers a preflight: 204 with the allowed methods and headers, or 403 for an origin not on the list. */
    public static Response preflight(KeycloakSession session) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        if (origin == null || !TableauthSettings.of(session).originAllowed(origin)) {
            return Response.status(Response.Status.FORBIDDEN).header("Vary", "Origin").build();
        }
        return Response.noContent()
            .header("Access-Control-Allow-Origin", origin)
            .header("Access-Control-Allow-Credentials", "true")
            .header("Access-Control-Allow-Methods", ALLOW_METHODS)
            .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
            .header("Access-Control-Max-Age", MAX_AGE)
            .header("Vary", "Origin")
            .build();
    }
}
