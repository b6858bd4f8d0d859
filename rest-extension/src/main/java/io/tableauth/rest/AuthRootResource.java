package io.tableauth.rest;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.TableauthSettings;
import io.tableauth.rest.dialect.baasix.Baasix;
import io.tableauth.rest.dialect.baasix.BaasixResource;
import io.tableauth.rest.dialect.directus.Directus;
import io.tableauth.rest.dialect.directus.DirectusResource;
import io.tableauth.rest.dialect.slashapi.SlashApiResource;
import io.tableauth.rest.openapi.OpenApiDocuments;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;

/**
 * Root of {@code /realms/{realm}/auth}, shared by three dialects. Directus owns the mount ({@code login},
 * {@code refresh}, {@code logout}, {@code password/...}, {@code oauth/...}, declared in {@link DirectusResource});
 * Baasix adds {@code register} and {@code me}, and takes {@code POST login} when the realm's tableauth settings name it
 * the login owner; SlashApi serves {@code {identifier}/...}, one auth config per identifier.
 */
public class AuthRootResource extends DirectusResource {

    private static final String BAASIX_ERRORS = "An error in Baasix's shape: 400 invalid input or credentials, "
        + "401 unauthorized, 429 too many requests (Retry-After), 503 unavailable";

    public AuthRootResource(KeycloakSession session) {
        super(session);
    }

    /** {@code POST login}: Directus's, or Baasix's when the realm's settings make Baasix the login owner. */
    @Override
    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    @Tag(name = "Directus")
    @Tag(name = "Baasix")
    @Operation(summary = "Directus's login, or Baasix's when the realm's tableauth settings make Baasix the login "
        + "owner")
    @RequestBodySchema(Directus.LoginRequest.class)
    @APIResponse(responseCode = "200", description = "Logged in",
        content = @Content(mediaType = "application/json", schema = @Schema(anyOf = {Directus.TokensData.class,
            Baasix.WithTokens.class, Baasix.WithCookie.class})))
    @APIResponse(responseCode = "default", description = "An error in the login owner's shape",
        content = @Content(mediaType = "application/json", schema = @Schema(anyOf = {Directus.Errors.class,
            Baasix.Message.class})))
    public Response login(InputStream body) {
        return TableauthSettings.OWNER_BAASIX.equals(settings().loginOwner())
            ? new BaasixResource(session).login(body)
            : super.login(body);
    }

    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    @Tag(name = "Baasix")
    @RequestBodySchema(Baasix.RegisterRequest.class)
    @APIResponse(responseCode = "200",
        description = "Registered: logged in (tokens in the body, or in the token cookie in cookie mode), or not yet "
            + "(the realm wants something first, e.g. a verified e-mail)",
        content = @Content(mediaType = "application/json", schema = @Schema(anyOf = {Baasix.WithTokens.class,
            Baasix.WithCookie.class, Baasix.NotSignedIn.class})))
    @APIResponse(responseCode = "default",
        description = BAASIX_ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Baasix.Message.class)))
    public Response baasixRegister(InputStream body) {
        return new BaasixResource(session).register(body);
    }

    @GET
    @Path("me")
    @Tag(name = "Baasix")
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200",
        description = "The caller (Bearer token, or the token or Directus session cookie)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Baasix.Me.class)))
    @APIResponse(responseCode = "default",
        description = BAASIX_ERRORS,
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Baasix.Message.class)))
    public Response baasixMe() {
        return new BaasixResource(session).me();
    }

    /** This mount's OpenAPI 3.1 document. */
    @GET
    @Path("openapi.json")
    @Operation(hidden = true)
    public Response openApi() {
        return OpenApiDocuments.serve(OpenApiDocuments.AUTH);
    }

    @Path("{identifier}")
    public SlashApiResource slashApi(@PathParam("identifier") String identifier) {
        return new SlashApiResource(session, identifier);
    }
}
