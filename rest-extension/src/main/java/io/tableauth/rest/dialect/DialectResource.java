package io.tableauth.rest.dialect;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.keycloak.KeycloakInternals;
import io.tableauth.rest.RestCors;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.Availability;
import io.tableauth.rest.core.CallerService;
import io.tableauth.rest.core.InputLimits;
import io.tableauth.rest.core.LoginService;
import io.tableauth.rest.core.ProjectService;
import io.tableauth.rest.core.SignupService;
import io.tableauth.rest.core.TableauthSettings;
import io.tableauth.storage.TableUnavailableException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * What every dialect resource shares: reading the JSON body (size limit, malformed input), running a call so that
 * only the dialect's own error shape ever reaches the client, bearer tokens and cookies, and the CSRF check for
 * cookie-authenticated calls. Dialects stay thin: parse, call one use-case service of {@code core}, format.
 */
public abstract class DialectResource {

    /** Largest request body accepted; auth calls are small. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(DialectResource.class);

    protected final KeycloakSession session;
    protected final ProjectService projects;
    protected final LoginService logins;
    protected final SignupService signups;
    protected final CallerService callers;

    protected DialectResource(KeycloakSession session) {
        this.session = session;
        this.projects = new ProjectService(session);
        this.logins = new LoginService(session);
        this.signups = new SignupService(session);
        this.callers = new CallerService(session);
    }

    protected RealmModel realm() {
        return session.getContext().getRealm();
    }

    /** The request's cookies, and the ones an answer sets, as the realm's settings say. */
    protected AuthCookies cookies() {
        return new AuthCookies(session, settings());
    }

    /** The realm's tableauth settings. */
    protected TableauthSettings settings() {
        return TableauthSettings.of(session);
    }

    /**
     * A CORS preflight for any path of this dialect: 204 with the allowed methods and headers for an allowed origin,
     * 403 otherwise.
     */
    @OPTIONS
    @Path("{any:.*}")
    @Operation(hidden = true) // CORS preflight, answered for every path
    public Response preflight() {
        return RestCors.preflight(session);
    }

    /** The dialect's documented error response for this error: the one place each dialect builds error bodies. */
    protected abstract Response error(AuthError e);

    /** The {@link SuccessFalse} error body with the error's usual status (MaskAPI, Mavibase). */
    protected static Response successFalse(AuthError e) {
        return json(e.kind().status, SuccessFalse.of(e));
    }

    /** A dialect call. */
    @FunctionalInterface
    public interface Call {
        Response run();
    }

    /** Runs a call; whatever fails comes back in this dialect's error shape, never as a stack trace. */
    public Response run(Call call) {
        RestCors.actual(session);
        if (!KeycloakInternals.release().supported()) {
            return answer(AuthError.unsupported(KeycloakInternals.release().unsupportedMessage()));
        }
        try {
            return call.run();
        } catch (AuthError e) {
            return answer(e);
        } catch (LinkageError e) {
            // Keycloak's internals are not what this bundle was built for: said as such, never a 500
            session.getTransactionManager().setRollbackOnly();
            return answer(AuthError.unsupported(KeycloakInternals.linkageFailure(e)));
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            TableUnavailableException down = Availability.cause(e);
            if (down != null) {
                // a users table this call needs went out of reach (its database is down, partitioned, too slow)
                LOG.debugf(e, "tableauth: %s: a users table is out of reach", getClass().getSimpleName());
                return answer(AuthError.unavailable("This service", down.retryAfterSeconds()));
            }
            LOG.errorf(e, "tableauth: %s failed", getClass().getSimpleName());
            return error(new AuthError(AuthError.Kind.INTERNAL, "Internal server error"));
        }
    }

    private Response answer(AuthError e) {
        Response response = error(e);
        return (e.kind() == AuthError.Kind.UNAVAILABLE || e.kind() == AuthError.Kind.RATE_LIMITED)
            && e.retryAfterSeconds() > 0
            ? Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build()
            : response;
    }

    /**
     * The request body as a JSON object; MALFORMED, TOO_LARGE or UNSUPPORTED_MEDIA_TYPE otherwise. An empty body
     * with no content type is an empty object.
     */
    protected ObjectNode body(InputStream in) {
        boolean typed = session.getContext().getRequestHeaders().getMediaType() != null;
        if (typed) {
            requireJsonContentType(); // before reading: a form body is consumed by the framework, the stream is empty
        }
        requireDeclaredLengthWithinLimit();
        byte[] bytes;
        try {
            bytes = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new AuthError(AuthError.Kind.MALFORMED, "The request body could not be read");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        if (!typed) {
            requireJsonContentType();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AuthError(AuthError.Kind.MALFORMED, "The request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new AuthError(AuthError.Kind.MALFORMED, "The request body must be a JSON object");
        }
        return object;
    }

    /** TOO_LARGE for a body whose declared length is over {@link #MAX_BODY_BYTES}, before anything reads it. */
    protected void requireDeclaredLengthWithinLimit() {
        String length = header(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new AuthError(AuthError.Kind.MALFORMED, "Invalid Content-Length");
            }
        }
    }

    /**
     * A body must say it is JSON. Browsers send HTML forms and "simple" cross-site requests as form or text types
     * without asking first, so this also keeps other sites' pages from posting logins (login CSRF).
     */
    private void requireJsonContentType() {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !(MediaType.APPLICATION_JSON_TYPE.isCompatible(type) && !type.isWildcardSubtype()
            || "application".equals(type.getType()) && type.getSubtype().endsWith("+json"))) {
            throw new AuthError(AuthError.Kind.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON "
                + "(Content-Type: application/json)");
        }
    }

    private static AuthError tooLarge() {
        return new AuthError(AuthError.Kind.TOO_LARGE, "The request body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    /** The request body as the dialect's record ({@link RequestBodies}); MALFORMED and the like as {@link #body}. */
    protected <R extends Record> R read(InputStream in, Class<R> type) {
        return RequestBodies.bind(body(in), type);
    }

    /** "John Smith" → first "John", last "Smith"; one word → first name only; null → both null. */
    protected static String[] splitName(String name) {
        if (name == null || name.isBlank()) {
            return new String[] {null, null};
        }
        String n = name.trim();
        int space = n.lastIndexOf(' ');
        return space < 0 ? new String[] {n, null} : new String[] {n.substring(0, space).trim(), n.substring(space + 1)};
    }

    protected static Response json(int status, Object body) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .entity(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    protected String header(String name) {
        return session.getContext().getRequestHeaders().getHeaderString(name);
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    protected String bearerToken() {
        String h = header(HttpHeaders.AUTHORIZATION);
        if (h == null) {
            return null;
        }
        String[] parts = h.trim().split("\\s+", 2);
        return parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") && !parts[1].isBlank() ? parts[1].trim() : null;
    }

    /**
     * Guards a state-changing call that a cookie authenticated: a browser sends cookies on cross-site requests too,
     * so the call must come from this server's own origin or an allowed one (Origin header, else Referer).
     */
    protected void requireAllowedOrigin() {
        String origin = header("Origin");
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            String referer = header("Referer");
            origin = referer == null ? null : originOf(referer);
        }
        if (origin == null) {
            throw new AuthError(AuthError.Kind.CSRF, "Cookie-authenticated requests must carry an Origin header");
        }
        String own = originOf(session.getContext().getUri().getBaseUri().toString());
        if (origin.equalsIgnoreCase(own) || settings().originAllowed(origin)) {
            return;
        }
        throw new AuthError(AuthError.Kind.CSRF, "Origin not allowed");
    }

    /**
     * Guards a login that answers with cookies (login CSRF: another site logging the browser into an account of its
     * choosing): a request from a browser (it carries Origin or Referer) must come from this server's origin or an
     * allowed one. Clients that are not browsers send neither and are not affected.
     */
    protected void requireAllowedOriginIfBrowser() {
        String origin = header("Origin");
        String referer = header("Referer");
        if ((origin == null || origin.isBlank()) && (referer == null || referer.isBlank())) {
            return;
        }
        requireAllowedOrigin();
    }

    /**
     * The scheme://host[:port] of a URL. Only the part up to the end of the host is parsed, and only when it fits in
     * {@link InputLimits#MAX_URL_LENGTH}: a Referer's path and query can be long, its origin cannot.
     */
    static String originOf(String url) {
        int end = url.indexOf("://");
        if (end < 0 || end > InputLimits.MAX_URL_LENGTH) {
            return null;
        }
        end += 3;
        while (end < url.length() && end <= InputLimits.MAX_URL_LENGTH && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        if (end > InputLimits.MAX_URL_LENGTH) {
            return null;
        }
        try {
            URI u = URI.create(url.substring(0, end));
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
