package io.tableauth.rest.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.rest.apikey.ApiKeyEvents;
import io.tableauth.rest.apikey.ApiKeyGrantType;
import io.tableauth.rest.apikey.ApiKeyRefused;
import io.tableauth.rest.apikey.ApiKeyService;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.CallerService;
import io.tableauth.rest.core.Events;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.RateLimits;
import io.tableauth.rest.core.TableauthSettings;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import io.tableauth.storage.TableUnavailableException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/**
 * Forward-auth for gateways at {@code /realms/{realm}/api/v1/forward-auth}: nginx {@code auth_request}, Traefik
 * ForwardAuth ({@code X-Forwarded-Method}, {@code X-Forwarded-Uri}) and Envoy ext_authz (the original path appended
 * to this one, the original method as the method). The caller is a Bearer access token of the realm or an API key in
 * {@code X-API-Key}. Answers 200 with identity headers, 401 without a valid credential, 403 when the path is protected
 * by an auth config the caller does not belong to (or the credential is for another project).
 */
@Tag(name = "Forward-auth",
    description = "For gateways: one check per request through a protected API. {path} is empty or the original "
        + "request's path (Envoy).")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "200", description = "Allowed: the caller's identity, in the X-Auth-* headers too",
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ForwardAuth.Identity.class)))
@APIResponse(responseCode = "default",
    description = "Refused: 401 without a valid credential, 403 a path or project the caller may not use, 429 "
        + "too many refused keys from this address (Retry-After), 503 unavailable",
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ForwardAuth.Refusal.class)))
public class ForwardAuthResource {

    public static final String USER_ID = "X-Auth-User-Id";
    public static final String USERNAME = "X-Auth-Username";
    public static final String EMAIL = "X-Auth-Email";
    public static final String SCOPES = "X-Auth-Scopes";
    public static final String AUTH_CONFIG = "X-Auth-Config";
    public static final String AUTH_CONFIG_NAME = "X-Auth-Config-Name";
    public static final String METHOD = "X-Auth-Method";
    public static final String API_KEY_ID = "X-Auth-Api-Key-Id";

    /** Header carrying the realm's forward-auth secret, when one is set: only the gateway knows it. */
    public static final String GATEWAY_SECRET = "X-Tableauth-Gateway-Secret";

    private static final Logger LOG = Logger.getLogger(ForwardAuthResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;

    public ForwardAuthResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @GET
    @Path("{path:.*}")
    @Operation(summary = "Whether the caller may make the gateway's request (nginx, Traefik: the original method and "
        + "path in headers; Envoy: this method, the original path after this one)")
    public Response get(@PathParam("path") String path) {
        return check("GET", path);
    }

    @HEAD
    @Path("{path:.*}")
    public Response head(@PathParam("path") String path) {
        return check("HEAD", path);
    }

    @POST
    @Path("{path:.*}")
    public Response post(@PathParam("path") String path) {
        return check("POST", path);
    }

    @PUT
    @Path("{path:.*}")
    public Response put(@PathParam("path") String path) {
        return check("PUT", path);
    }

    @PATCH
    @Path("{path:.*}")
    public Response patch(@PathParam("path") String path) {
        return check("PATCH", path);
    }

    @DELETE
    @Path("{path:.*}")
    public Response delete(@PathParam("path") String path) {
        return check("DELETE", path);
    }

    @OPTIONS
    @Path("{path:.*}")
    public Response options(@PathParam("path") String path) {
        return check("OPTIONS", path);
    }

    /** Who is calling, as the identity headers say it. */
    private record Caller(UserModel user, List<String> scopes, String method, String apiKeyId, String clientId) {
    }

    private Response check(String requestMethod, String suffix) {
        if (!KeycloakInternals.release().supported()) {
            return refuse(503, "unsupported", KeycloakInternals.release().unsupportedMessage());
        }
        try {
            TableauthSettings settings = TableauthSettings.of(session);
            if (settings.forwardAuthSecret() != null && !MessageDigest.isEqual(
                settings.forwardAuthSecret().getBytes(StandardCharsets.UTF_8),
                String.valueOf(header(GATEWAY_SECRET)).getBytes(StandardCharsets.UTF_8))) {
                return refuse(403, "forbidden", "Forward-auth answers the configured gateway only");
            }
            // The credential first: every path needs one (none is public), so a caller without a valid one gets 401
            // before the path is read or any auth config's patterns are matched.
            Caller caller;
            try {
                caller = caller();
            } catch (AuthError limited) {
                return Response.fromResponse(refuse(429, "too_many_requests", limited.message()))
                    .header("Retry-After", limited.retryAfterSeconds()).build();
            }
            if (caller == null) {
                return refuse(401, "unauthorized", "A valid Bearer token or API key is required");
            }
            String project = header(Project.HEADER);
            if (project != null && !project.equals(caller.clientId())) {
                return refuse(403, "forbidden", "The credential belongs to another project");
            }
            String path;
            try {
                path = OriginalRequest.path(settings.forwardAuthGateway(), this::header,
                    suffix == null || suffix.isEmpty() ? "" : rawSuffix());
            } catch (OriginalRequest.Refused refused) {
                return refuse(403, "forbidden", refused.getMessage());
            }
            ComponentModel owner = PathPatterns.protectingConfig(realm, path);
            String callerConfig = caller.user().getFederationLink();
            if (owner != null && !owner.getId().equals(callerConfig)) {
                return refuse(403, "forbidden", "This API is protected by another auth configuration");
            }
            ForwardAuth.Identity identity = new ForwardAuth.Identity(caller.user().getId(),
                caller.user().getUsername(), callerConfig, caller.method(), caller.apiKeyId(), caller.scopes());
            Response.ResponseBuilder ok = Response.ok(json(identity), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .header(USER_ID, ForwardAuth.headerValue(caller.user().getId()))
                .header(USERNAME, ForwardAuth.headerValue(caller.user().getUsername()))
                .header(SCOPES, String.join(" ", caller.scopes()))
                .header(METHOD, caller.method());
            if (caller.user().getEmail() != null) {
                ok.header(EMAIL, ForwardAuth.headerValue(caller.user().getEmail()));
            }
            if (callerConfig != null) {
                ok.header(AUTH_CONFIG, callerConfig);
                ComponentModel config = realm.getComponent(callerConfig);
                if (config != null && config.getName() != null) {
                    ok.header(AUTH_CONFIG_NAME, ForwardAuth.headerValue(config.getName()));
                }
            }
            if (caller.apiKeyId() != null) {
                ok.header(API_KEY_ID, caller.apiKeyId());
            }
            return ok.build();
        } catch (LinkageError e) {
            session.getTransactionManager().setRollbackOnly();
            return refuse(503, "unsupported", KeycloakInternals.linkageFailure(e));
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            if (io.tableauth.rest.core.Availability.cause(e) != null) {
                // the caller's users table is out of reach: the gateway refuses, and says it is temporary
                return refuse(503, "unavailable", "Temporarily unavailable. Please try again shortly.");
            }
            LOG.errorf(e, "tableauth: forward-auth check failed");
            return refuse(500, "internal", "Internal server error");
        }
    }

    /** The caller of an API key or a Bearer token, or null when there is no valid one. */
    private Caller caller() {
        String key = header(ApiKeyGrantType.KEY_HEADER);
        if (key != null) {
            // Keys are for machines that call often: only refused keys count, and a client address that has used up
            // its refusals is turned away before the next key is looked up.
            RateLimits limits = new RateLimits(session);
            limits.requireIpNotExhausted();
            try {
                ApiKeyService.Use use = new ApiKeyService(session).authenticate(key.trim());
                return new Caller(use.user(), use.scopes(), "api-key", use.key().getId(), use.key().getProjectId());
            } catch (ApiKeyRefused refused) {
                ApiKeyEvents.refused(Events.of(session).event(EventType.INTROSPECT_TOKEN), refused);
                limits.countFailure();
                return null;
            }
        }
        String authorization = header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        BearerAuth auth = new CallerService(session).bearer(authorization.substring(7));
        if (auth == null) {
            return null;
        }
        AccessToken token = auth.token();
        Object keyId = token.getOtherClaims().get(ApiKeyGrantType.KEY_ID_CLAIM);
        if (keyId != null && !new ApiKeyService(session).usable(keyId.toString())) {
            return null; // a token exchanged for a key dies with the key here, before it expires
        }
        List<String> scopes = token.getScope() == null || token.getScope().isBlank() ? List.of()
            : List.of(token.getScope().trim().split("\\s+"));
        return new Caller(auth.user(), scopes, keyId == null ? "jwt" : "api-key-token",
            keyId == null ? null : keyId.toString(), token.getIssuedFor());
    }

    /**
     * What follows forward-auth's own path in this request, still percent-encoded: Envoy's original path. Read from
     * the raw request URI, because JAX-RS path parameters arrive decoded once already.
     */
    private String rawSuffix() {
        String raw = session.getContext().getUri().getRequestUri().getRawPath();
        int realms = raw.indexOf("/realms/");
        int realmEnd = realms < 0 ? -1 : raw.indexOf('/', realms + "/realms/".length());
        String mount = "/api/v1/forward-auth";
        if (realmEnd < 0 || !raw.startsWith(mount, realmEnd)) {
            return "";
        }
        String rest = raw.substring(realmEnd + mount.length());
        return rest.startsWith("/") ? rest.substring(1) : rest;
    }

    private Response refuse(int status, String error, String message) {
        Response.ResponseBuilder out = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
            .header("Cache-Control", "no-store").entity(json(new ForwardAuth.Refusal(error, message)));
        if (status == 401) {
            out.header("WWW-Authenticate", "Bearer realm=\"" + realm.getName().replace("\"", "") + "\"");
        }
        if (status == 503 && "unavailable".equals(error)) {
            out.header("Retry-After", TableUnavailableException.RETRY_AFTER_SECONDS);
        }
        return out.build();
    }

    private static String json(Record body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String header(String name) {
        String value = session.getContext().getRequestHeaders().getHeaderString(name);
        return value == null || value.isBlank() ? null : value;
    }
}
