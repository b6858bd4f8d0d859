package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.authenticator.TotpEnrollment;
import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AccountChanges;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.CredentialNotice;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.RecoveryCodeService;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.CodeRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.RecoveryCodes;
import io.tableauth.rest.dialect.mavibase.Mavibase.RecoveryCodesRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.RecoveryCodesStatus;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.StepUpRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.TotpSetup;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Mavibase's two-factor calls, {@code /api/v1/platform/2fa/...}: TOTP setup and removal for the caller of a Bearer
 * token (each confirmed by a code), and the second step of a login.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseTwoFactorResource extends DialectResource {

    public MavibaseTwoFactorResource(KeycloakSession session) {
        super(session);
    }

    /**
     * {@code POST /2fa/setup} {password?}: a new secret for the caller, as Base32, otpauth URI and QR image. The
     * password is needed unless the caller logged in within the step-up age.
     */
    @POST
    @Path("setup")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(StepUpRequest.class)
    @APIResponse(responseCode = "200", description = "A new TOTP secret, confirmed by 2fa/setup/verify",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = TotpSetup.class)))
    public Response twoFactorSetup(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            UserModel user = caller.user();
            new AccountChanges(session).requireStepUp(caller, read(in, StepUpRequest.class).password());
            TotpEnrollment totp = new TotpEnrollment(session);
            if (totp.enrolled(user)) {
                throw new AuthError(AuthError.Kind.VALIDATION, "Two-factor authentication is already enabled");
            }
            TotpEnrollment.Setup setup = totp.start(user);
            return json(200, new TotpSetup(setup.secretBase32(), setup.otpauthUri(),
                "data:image/png;base64," + setup.qrPngBase64()));
        });
    }

    /** {@code POST /2fa/setup/verify} {code}: turns the started setup on. */
    @POST
    @Path("setup/verify")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(CodeRequest.class)
    @APIResponse(responseCode = "200", description = "Two-factor authentication enabled",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response twoFactorSetupVerify(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = read(in, CodeRequest.class).code();
            confirmed(new TotpEnrollment(session).confirm(user, code), "No two-factor setup is in progress");
            new CredentialNotice(session).added(user, CredentialNotice.Kind.AUTHENTICATOR_APP, null);
            return json(200, SuccessMessage.of("Two-factor authentication enabled"));
        });
    }

    /**
     * {@code POST /2fa/verify} {tempToken, code | recoveryCode}: the second step of a login; with a recovery code, the
     * answer says how many are left.
     */
    @POST
    @Path("verify")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(SecondFactorRequest.class)
    @APIResponse(responseCode = "200", description = "Logged in",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = LoggedIn.class)))
    public Response twoFactorVerify(InputStream in) {
        return run(() -> {
            SecondFactorRequest body = read(in, SecondFactorRequest.class);
            projects.project(null, null, false);
            Login login = logins.completeSecondFactor(body.tempToken(), body.code(), body.recoveryCode());
            return json(200, LoggedIn.of(login));
        });
    }

    /**
     * {@code POST /2fa/recovery-codes} {password?}: new recovery codes for the caller (replacing the old ones), shown
     * this once. The password is needed unless the caller logged in within the step-up age.
     */
    @POST
    @Path("recovery-codes")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(RecoveryCodesRequest.class)
    @APIResponse(responseCode = "200", description = "New recovery codes; each works once, in place of a code",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = RecoveryCodes.class)))
    public Response recoveryCodes(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            String password = read(in, RecoveryCodesRequest.class).password();
            List<String> codes = new RecoveryCodeService(session).generate(caller, password);
            return json(200, new RecoveryCodes(true,
                "Keep these codes somewhere safe: each works once, and they will not be shown again.", codes));
        });
    }

    /** {@code GET /2fa/recovery-codes}: how many of the caller's recovery codes are left. */
    @GET
    @Path("recovery-codes")
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "How many recovery codes are left",
        content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RecoveryCodesStatus.class)))
    public Response recoveryCodesStatus() {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            return json(200, new RecoveryCodeService(session).status(user)
                .map(s -> new RecoveryCodesStatus(true, true, s.remaining(), s.total(),
                    Instant.ofEpochMilli(s.createdAt()).toString()))
                .orElse(new RecoveryCodesStatus(true, false, 0, 0, null)));
        });
    }

    /** {@code POST /2fa/disable}: asks for a code to confirm. */
    @POST
    @Path("disable")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "Confirm with a code at 2fa/disable/confirm",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response twoFactorDisable() {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            if (!new TotpEnrollment(session).startDisable(user)) {
                throw new AuthError(AuthError.Kind.VALIDATION, "Two-factor authentication is not enabled");
            }
            return json(200, SuccessMessage.of("Confirm with a code from your authenticator app"));
        });
    }

    /** {@code POST /2fa/disable/confirm} {code}: removes the caller's TOTP. */
    @POST
    @Path("disable/confirm")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(CodeRequest.class)
    @APIResponse(responseCode = "200", description = "Two-factor authentication disabled",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response twoFactorDisableConfirm(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = read(in, CodeRequest.class).code();
            confirmed(new TotpEnrollment(session).confirmDisable(user, code), "No two-factor disable is in progress");
            new RecoveryCodeService(session).removeAll(user);
            return json(200, SuccessMessage.of("Two-factor authentication disabled"));
        });
    }

    private static void confirmed(TotpEnrollment.Result result, String nothingPending) {
        switch (result) {
            case DONE -> { }
            case NOTHING_PENDING -> throw new AuthError(AuthError.Kind.VALIDATION, nothingPending);
            case WRONG_CODE -> throw new AuthError(AuthError.Kind.INVALID_OTP, "Invalid code");
            case USED_UP -> throw new AuthError(AuthError.Kind.INVALID_OTP,
                "Too many wrong codes: the request was cancelled. Start it again.");
        }
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e);
    }
}
