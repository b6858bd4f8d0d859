package io.tableauth.rest;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.rest.dialect.maskapi.MaskApiResource;
import io.tableauth.rest.dialect.mavibase.MavibaseApiKeysResource;
import io.tableauth.rest.dialect.mavibase.MavibaseResource;
import io.tableauth.rest.gateway.ForwardAuthResource;
import org.keycloak.models.KeycloakSession;

/**
 * Root of {@code /realms/{realm}/api}: the MaskAPI ({@code v1/auth/...}) and Mavibase ({@code v1/platform/...})
 * dialects. Each method only routes; the dialect classes parse and format, {@code AuthService} decides.
 */
@Produces(MediaType.APPLICATION_JSON)
public class ApiRootResource {

    private final KeycloakSession session;

    public ApiRootResource(KeycloakSession session) {
        this.session = session;
        RestCors.actual(session);
    }

    // --- MaskAPI

    @POST
    @Path("v1/auth/login")
    @Consumes(MediaType.WILDCARD)
    public Response maskApiLogin(InputStream body) {
        return new MaskApiResource(session).login(body);
    }

    @POST
    @Path("v1/auth/signup")
    @Consumes(MediaType.WILDCARD)
    public Response maskApiSignup(InputStream body) {
        return new MaskApiResource(session).signup(body);
    }

    @POST
    @Path("v1/auth/refresh")
    @Consumes(MediaType.WILDCARD)
    public Response maskApiRefresh(InputStream body) {
        return new MaskApiResource(session).refresh(body);
    }

    @POST
    @Path("v1/auth/logout")
    @Consumes(MediaType.WILDCARD)
    public Response maskApiLogout(InputStream body) {
        return new MaskApiResource(session).logout(body);
    }

    // --- Mavibase

    @POST
    @Path("v1/platform/auth/register")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseRegister(InputStream body) {
        return new MavibaseResource(session).register(body);
    }

    @POST
    @Path("v1/platform/auth/login")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseLogin(InputStream body) {
        return new MavibaseResource(session).login(body);
    }

    @POST
    @Path("v1/platform/auth/refresh-token")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseRefresh(InputStream body) {
        return new MavibaseResource(session).refreshToken(body);
    }

    @POST
    @Path("v1/platform/auth/logout")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseLogout(InputStream body) {
        return new MavibaseResource(session).logout(body);
    }

    @GET
    @Path("v1/platform/auth/verify-email")
    public Response mavibaseVerifyEmail(@QueryParam("token") String token) {
        return new MavibaseResource(session).verifyEmail(token);
    }

    @POST
    @Path("v1/platform/auth/resend-verification")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseResendVerification(InputStream body) {
        return new MavibaseResource(session).resendVerification(body);
    }

    @POST
    @Path("v1/platform/auth/password-reset/request")
    @Consumes(MediaType.WILDCARD)
    public Response mavibasePasswordResetRequest(InputStream body) {
        return new MavibaseResource(session).passwordResetRequest(body);
    }

    @POST
    @Path("v1/platform/auth/password-reset/confirm")
    @Consumes(MediaType.WILDCARD)
    public Response mavibasePasswordResetConfirm(InputStream body) {
        return new MavibaseResource(session).passwordResetConfirm(body);
    }

    @GET
    @Path("v1/platform/users/me")
    public Response mavibaseMe() {
        return new MavibaseResource(session).me();
    }

    @POST
    @Path("v1/platform/2fa/setup")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseTwoFactorSetup() {
        return new MavibaseResource(session).twoFactorSetup();
    }

    @POST
    @Path("v1/platform/2fa/setup/verify")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseTwoFactorSetupVerify(InputStream body) {
        return new MavibaseResource(session).twoFactorSetupVerify(body);
    }

    @POST
    @Path("v1/platform/2fa/verify")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseTwoFactorVerify(InputStream body) {
        return new MavibaseResource(session).twoFactorVerify(body);
    }

    @POST
    @Path("v1/platform/2fa/disable")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseTwoFactorDisable() {
        return new MavibaseResource(session).twoFactorDisable();
    }

    @POST
    @Path("v1/platform/2fa/disable/confirm")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseTwoFactorDisableConfirm(InputStream body) {
        return new MavibaseResource(session).twoFactorDisableConfirm(body);
    }

    // --- Mavibase API keys

    @POST
    @Path("v1/platform/api-keys")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseApiKeyCreate(InputStream body) {
        return new MavibaseApiKeysResource(session).create(body);
    }

    @GET
    @Path("v1/platform/api-keys")
    public Response mavibaseApiKeyList() {
        return new MavibaseApiKeysResource(session).list();
    }

    @GET
    @Path("v1/platform/api-keys/{id}")
    public Response mavibaseApiKeyGet(@PathParam("id") String id) {
        return new MavibaseApiKeysResource(session).get(id);
    }

    @POST
    @Path("v1/platform/api-keys/{id}/rotate")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseApiKeyRotate(@PathParam("id") String id) {
        return new MavibaseApiKeysResource(session).rotate(id);
    }

    @POST
    @Path("v1/platform/api-keys/{id}/revoke")
    @Consumes(MediaType.WILDCARD)
    public Response mavibaseApiKeyRevoke(@PathParam("id") String id) {
        return new MavibaseApiKeysResource(session).revoke(id);
    }

    // --- gateways

    /** Forward-auth for nginx auth_request, Traefik ForwardAuth and Envoy ext_authz (every method, any suffix). */
    @Path("v1/forward-auth")
    public ForwardAuthResource forwardAuth() {
        return new ForwardAuthResource(session);
    }

    // --- CORS

    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return RestCors.preflight(session);
    }
}
