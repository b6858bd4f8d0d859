package io.tableauth.rest.dialect.slashapi;

import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AccountChanges;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.dialect.DialectResource;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.UserModel;

/**
 * SlashApi: {@code POST /auth/{identifier}/{register,login,logout}}, {@code PATCH}/{@code DELETE
 * /auth/{identifier}/{id}}; {@code identifier} is the auth config's name. Bodies are {@code {"data":{...}}};
 * validation errors are Laravel's 422 {@code {"message","errors"}}.
 */
@Tag(name = "SlashApi", description = "SlashApi's auth calls: one auth config per identifier")
@APIResponse(responseCode = "default",
    description = "An error in Laravel's shape: 401 unauthenticated or invalid credentials, 403 forbidden, 404 not "
        + "found, 422 validation (errors by field), 429 too many "
        + "requests (Retry-After), 503 unavailable",
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.Message.class)))
public class SlashApiResource extends DialectResource {

    /** User attribute holding SlashApi permissions (multi-valued). */
    public static final String PERMISSIONS_ATTRIBUTE = "permissions";
    /** User attribute holding SlashApi custom attributes as a JSON object. */
    public static final String CUSTOM_ATTRIBUTES_ATTRIBUTE = "custom_attributes";

    static final String INVALID = SlashApiErrors.INVALID;
    static final String NO_PERMISSION = "You don't have permission to access this data.";
    private static final DateTimeFormatter LARAVEL_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final String identifier;
    /** Whether field errors are keyed data.x (bodies wrapped in data) or x (the documented login body). */
    private boolean dataKeys = true;

    public SlashApiResource(KeycloakSession session, String identifier) {
        super(session);
        this.identifier = identifier;
    }

    private Project project() {
        return projects.project(null, identifier, true);
    }

    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(SlashApi.Request.class)
    @APIResponse(responseCode = "201", description = "Registered",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.UserData.class)))
    public Response register(InputStream in) {
        return run(() -> {
            Project project = project();
            JsonNode data = SlashApiFields.data(body(in));
            String email = SlashApiFields.field(data, "email");
            String password = SlashApiFields.field(data, "password");
            signups.count(email); // before the e-mail's format, a Bearer token's signature and the sign-up itself
            SlashApiFields.requireEmailAndPassword("data.", email, password, true);
            List<String> permissions = SlashApiFields.permissions(data);
            String custom = SlashApiFields.customAttributes(data);
            if (permissions != null && !permissions.isEmpty() && !callers.canManageUsers(caller())) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, NO_PERMISSION);
            }
            UserModel user = signups.signup(project, new Signup(email.trim(), email.trim(), null, null,
                password, u -> {
                    u.setAttribute(PERMISSIONS_ATTRIBUTE, permissions == null ? List.of() : permissions);
                    if (custom != null) {
                        u.setSingleAttribute(CUSTOM_ATTRIBUTES_ATTRIBUTE, custom);
                    }
                }));
            return json(201, new SlashApi.UserData(userData(user, AuthUser.of(user), null)));
        });
    }

    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {SlashApi.Request.class,
        SlashApi.Fields.class})))
    @APIResponse(responseCode = "200", description = "Logged in",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.LoginData.class)))
    public Response login(InputStream in) {
        return run(() -> {
            dataKeys = false;
            Project project = project();
            JsonNode data = SlashApiFields.data(body(in));
            String email = SlashApiFields.field(data, "email");
            String password = SlashApiFields.field(data, "password");
            SlashApiFields.requireEmailAndPassword("", email, password, false);
            Login login = logins.login(project, email, password, SlashApiFields.field(data, "otp"));
            SlashApi.User u = userData(login.user(), AuthUser.of(login.user()), null);
            return json(200, new SlashApi.LoginData(new SlashApi.LoggedIn(u.id(), u.email(), u.custom_attributes(),
                u.created_at(), login.tokens().accessToken(), login.tokens().refreshToken(),
                login.tokens().expiresIn())));
        });
    }

    @POST
    @Path("logout")
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "Logged out",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.Message.class)))
    public Response logout() {
        return run(() -> {
            Project project = project();
            String token = bearerToken();
            if (token == null) {
                throw new AuthError(AuthError.Kind.INVALID_TOKEN, "Invalid token");
            }
            logins.logout(project, null, token);
            return json(200, SlashApi.Message.of("User logged out"));
        });
    }

    /**
     * {@code PATCH {identifier}/{id}}: the user themself (a Bearer token of a login; a new password or e-mail needs
     * {@code data.current_password} or a recent login) or a caller with manage-users. E-mail and password go through
     * Keycloak's user profile and password policy; {@code permissions} needs manage-users.
     */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(SlashApi.Request.class)
    @APIResponse(responseCode = "200", description = "Updated",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.UserData.class)))
    public Response update(@PathParam("id") String id, InputStream in) {
        return run(() -> {
            Project project = project();
            BearerAuth caller = callers.accountCaller(bearerToken());
            boolean admin = callers.canManageUsers(caller);
            UserModel user = target(project, id, caller, admin);
            boolean self = user.getId().equals(caller.user().getId());
            JsonNode data = SlashApiFields.data(body(in));
            String email = SlashApiFields.field(data, "email");
            String password = SlashApiFields.field(data, "password");
            List<String> permissions = SlashApiFields.permissions(data);
            String custom = SlashApiFields.customAttributes(data);
            if (permissions != null && !admin) {
                throw new AuthError(AuthError.Kind.FORBIDDEN, NO_PERMISSION);
            }
            if (email != null && !SlashApiFields.validEmail(email.trim())) {
                throw new AuthError(AuthError.Kind.VALIDATION, INVALID,
                    Map.of("email", "The data.email must be a valid email address."));
            }
            AccountChanges changes = new AccountChanges(session);
            if (self && (email != null || password != null)) {
                changes.requireStepUp(caller, SlashApiFields.field(data, "current_password"));
            }
            try {
                if (email != null) {
                    changes.changeEmail(user, email.trim(), !self);
                }
                if (password != null) {
                    changes.changePassword(user, password, self ? caller.session() : null);
                }
                if (permissions != null) {
                    user.setAttribute(PERMISSIONS_ATTRIBUTE, permissions);
                }
                if (custom != null) {
                    user.setSingleAttribute(CUSTOM_ATTRIBUTES_ATTRIBUTE, custom);
                }
            } catch (AuthError e) {
                session.getTransactionManager().setRollbackOnly();
                throw e;
            } catch (ModelException e) {
                session.getTransactionManager().setRollbackOnly();
                throw new AuthError(AuthError.Kind.FORBIDDEN, e.getMessage() == null ? NO_PERMISSION : e.getMessage());
            }
            return json(200, new SlashApi.UserData(userData(user, AuthUser.of(user), Instant.now())));
        });
    }

    @DELETE
    @Path("{id}")
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "Deleted",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlashApi.Message.class)))
    public Response delete(@PathParam("id") String id) {
        return run(() -> {
            Project project = project();
            BearerAuth caller = callers.accountCaller(bearerToken());
            UserModel user = target(project, id, caller, callers.canManageUsers(caller));
            if (user.getId().equals(caller.user().getId())) {
                new AccountChanges(session).requireStepUp(caller, null);
            }
            new AccountChanges(session).deleteAccount(user);
            return json(200, SlashApi.Message.of("User deleted"));
        });
    }

    private BearerAuth caller() {
        String token = bearerToken();
        return token == null ? null : callers.bearer(token);
    }

    /** The user {id} of this auth config that the caller may change, in SlashApi's words when refused. */
    private UserModel target(Project project, String id, BearerAuth caller, boolean admin) {
        UserModel user = new AccountChanges(session).userToChange(project, id, caller, admin, NO_PERMISSION);
        if (user == null) {
            throw new AuthError(AuthError.Kind.NOT_FOUND, "User not found");
        }
        return user;
    }

    private static SlashApi.User userData(UserModel model, AuthUser u, Instant updated) {
        JsonNode custom = null;
        String stored = u.attribute(CUSTOM_ATTRIBUTES_ATTRIBUTE);
        if (stored != null) {
            try {
                custom = JSON.readTree(stored);
            } catch (JsonProcessingException e) {
                custom = null;
            }
        }
        String created = u.createdTimestamp() == null ? null
            : LARAVEL_TIME.format(Instant.ofEpochMilli(u.createdTimestamp()));
        return new SlashApi.User(u.id(), u.email(), model.getAttributeStream(PERMISSIONS_ATTRIBUTE).toList(), custom,
            created, updated != null ? LARAVEL_TIME.format(updated) : created);
    }

    @Override
    protected Response error(AuthError e) {
        SlashApiErrors.Mapped m = SlashApiErrors.map(e, dataKeys);
        return json(m.status(), m.body());
    }
}
