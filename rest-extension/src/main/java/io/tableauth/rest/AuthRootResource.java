package io.tableauth.rest;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.core.TableauthSettings;
import io.tableauth.rest.dialect.baasix.BaasixResource;
import io.tableauth.rest.dialect.directus.DirectusResource;
import io.tableauth.rest.dialect.slashapi.SlashApiResource;
import org.keycloak.models.KeycloakSession;

/**
 * Root of {@code /realms/{realm}/auth}: the Baasix ({@code register}, {@code me}), Directus ({@code refresh},
 * {@code logout}, {@code password/...}, {@code oauth/...}) and SlashApi ({@code {identifier}/...}) dialects. {@code POST login} goes to the dialect the
 * realm's tableauth settings name (Directus by default).
 */
@Produces(MediaType.APPLICATION_JSON)
public class AuthRootResource {

    private final KeycloakSession session;

    public AuthRootResource(KeycloakSession session) {
        this.session = session;
        RestCors.actual(session);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.WILDCARD)
    public Response login(InputStream body) {
        String owner = TableauthSettings.of(session).loginOwner();
        return TableauthSettings.OWNER_BAASIX.equals(owner)
            ? new BaasixResource(session).login(body)
            : new DirectusResource(session).login(body);
    }

    // --- Baasix

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

    // --- Directus

    @POST
    @Path("refresh")
    @Consumes(MediaType.WILDCARD)
    public Response directusRefresh(InputStream body) {
        return new DirectusResource(session).refresh(body);
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.WILDCARD)
    public Response directusLogout(InputStream body) {
        return new DirectusResource(session).logout(body);
    }

    @POST
    @Path("password/request")
    @Consumes(MediaType.WILDCARD)
    public Response directusPasswordRequest(InputStream body) {
        return new DirectusResource(session).passwordRequest(body);
    }

    @POST
    @Path("password/reset")
    @Consumes(MediaType.WILDCARD)
    public Response directusPasswordReset(InputStream body) {
        return new DirectusResource(session).passwordReset(body);
    }

    @GET
    @Path("oauth")
    public Response directusProviders() {
        return new DirectusResource(session).providers();
    }

    @GET
    @Path("oauth/{provider}")
    public Response directusOAuthStart(@PathParam("provider") String provider, @QueryParam("redirect") String redirect,
                                       @QueryParam("mode") String mode) {
        return new DirectusResource(session).oauthStart(provider, redirect, mode);
    }

    @GET
    @Path("oauth/{provider}/callback")
    public Response directusOAuthCallback(@PathParam("provider") String provider, @QueryParam("code") String code,
                                          @QueryParam("state") String state, @QueryParam("error") String error) {
        return new DirectusResource(session).oauthCallback(provider, code, state, error);
    }

    // --- SlashApi

    @POST
    @Path("{identifier}/register")
    @Consumes(MediaType.WILDCARD)
    public Response slashApiRegister(@PathParam("identifier") String identifier, InputStream body) {
        return new SlashApiResource(session, identifier).register(body);
    }

    @POST
    @Path("{identifier}/login")
    @Consumes(MediaType.WILDCARD)
    public Response slashApiLogin(@PathParam("identifier") String identifier, InputStream body) {
        return new SlashApiResource(session, identifier).login(body);
    }

    @POST
    @Path("{identifier}/logout")
    public Response slashApiLogout(@PathParam("identifier") String identifier) {
        return new SlashApiResource(session, identifier).logout();
    }

    @PATCH
    @Path("{identifier}/{id}")
    @Consumes(MediaType.WILDCARD)
    public Response slashApiUpdate(@PathParam("identifier") String identifier, @PathParam("id") String id,
                                   InputStream body) {
        return new SlashApiResource(session, identifier).update(id, body);
    }

    @DELETE
    @Path("{identifier}/{id}")
    public Response slashApiDelete(@PathParam("identifier") String identifier, @PathParam("id") String id) {
        return new SlashApiResource(session, identifier).delete(id);
    }

    // --- CORS

    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return RestCors.preflight(session);
    }
}
