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
import io.tableauth.rest.dialect.baasix.BaasixResource;
import io.tableauth.rest.dialect.directus.DirectusResource;
import io.tableauth.rest.dialect.slashapi.SlashApiResource;
import org.keycloak.models.KeycloakSession;

/**
 * Root of {@code /realms/{realm}/auth}, shared by three dialects. Directus owns the mount ({@code login},
 * {@code refresh}, {@code logout}, {@code password/...}, {@code oauth/...}, declared in {@link DirectusResource});
 * Baasix adds {@code register} and {@code me}, and takes {@code POST login} when the realm's tableauth settings name it
 * the login owner; SlashApi serves {@code {identifier}/...}, one auth config per identifier.
 */
public class AuthRootResource extends DirectusResource {

    public AuthRootResource(KeycloakSession session) {
        super(session);
    }

    /** {@code POST login}: Directus's, or Baasix's when the realm's settings make Baasix the login owner. */
    @Override
    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    public Response login(InputStream body) {
        return TableauthSettings.OWNER_BAASIX.equals(settings().loginOwner())
            ? new BaasixResource(session).login(body)
            : super.login(body);
    }

    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    public Response baasixRegister(InputStream body) {
        return new BaasixResource(session).register(body);
    }

    @GET
    @Path("me")
    public Response baasixMe() {
        return new BaasixResource(session).me();
    }

    @Path("{identifier}")
    public SlashApiResource slashApi(@PathParam("identifier") String identifier) {
        return new SlashApiResource(session, identifier);
    }
}
