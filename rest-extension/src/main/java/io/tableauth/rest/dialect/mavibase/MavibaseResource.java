package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.keycloak.BearerAuth;
import io.tableauth.rest.core.AccountChanges;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.EmailChange;
import io.tableauth.rest.core.EmailVerification;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.PasswordReset;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessFalse;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.ChangeEmailRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.ChangePasswordRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.EmailRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoginRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.RefreshRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Refreshed;
import io.tableauth.rest.dialect.mavibase.Mavibase.RegisterRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Registered;
import io.tableauth.rest.dialect.mavibase.Mavibase.ResetRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequired;
import io.tableauth.rest.dialect.mavibase.Mavibase.User;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Mavibase platform auth: {@code /api/v1/platform/auth/{register,login,refresh-token,logout}} and
 * the account calls, on the realm's default client; {@code users/me} is {@link MavibaseMeResource}.
 */
@Tag(name = "Mavibase", description = "Mavibase's platform auth, on the realm's default client")
@APIResponse(responseCode = "default", description = SuccessFalse.ERRORS,
    content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessFalse.class)))
public class MavibaseResource extends DialectResource {

    public MavibaseResource(KeycloakSession session) {
        super(session);
    }

    @Path("api-keys")
    public MavibaseApiKeysResource apiKeys() {
        return new MavibaseApiKeysResource(session);
    }

    @Path("2fa")
    public MavibaseTwoFactorResource twoFactor() {
        return new MavibaseTwoFactorResource(session);
    }

    @Path("auth/sessions")
    public MavibaseSessionsResource sessions() {
        return new MavibaseSessionsResource(session);
    }

    @Path("auth/magic-link")
    public MavibaseMagicLinkResource magicLink() {
        return new MavibaseMagicLinkResource(session);
    }

    @Path("auth/email-otp")
    public MavibaseEmailOtpResource emailOtp() {
        return new MavibaseEmailOtpResource(session);
    }

    @Path("auth/passkey")
    public MavibasePasskeyLoginResource passkeyLogin() {
        return new MavibasePasskeyLoginResource(session);
    }

    @Path("passkeys")
    public MavibasePasskeysResource passkeys() {
        return new MavibasePasskeysResource(session);
    }

    @Path("users/me")
    public MavibaseMeResource me() {
        return new MavibaseMeResource(session);
    }

    @POST
    @Path("auth/register")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(RegisterRequest.class)
    @APIResponse(responseCode = "201",
        description = "Registered; a verification mail is sent when the realm verifies e-mail",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Registered.class)))
    public Response register(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            RegisterRequest body = read(in, RegisterRequest.class);
            String email = body.email();
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "The email is required.");
            }
            if (body.confirmPassword() != null && !body.confirmPassword().equals(body.password())) {
                throw AuthError.validation("confirmPassword", "The passwords do not match.");
            }
            String first = body.firstName();
            String last = body.lastName();
            if (first == null && last == null) {
                String[] name = splitName(body.name());
                first = name[0];
                last = name[1];
            }
            UserModel user = signups.signup(project, new Signup(email.trim(), email.trim(), first, last,
                body.password(), null));
            return json(201, new Registered(true, realm().isVerifyEmail()
                ? "Registration successful. Please verify your email." : "Registration successful.",
                User.verified(AuthUser.of(user))));
        });
    }

    @POST
    @Path("auth/login")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(LoginRequest.class)
    @APIResponse(responseCode = "200",
        description = "Logged in, or (a user with TOTP) the token for the second step at 2fa/verify",
        content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {LoggedIn.class,
            SecondFactorRequired.class})))
    public Response login(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            LoginRequest body = read(in, LoginRequest.class);
            return json(200, Mavibase.loginAnswer(logins.login(project, body.email(), body.password(), null, true)));
        });
    }

    @POST
    @Path("auth/refresh-token")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(RefreshRequest.class)
    @APIResponse(responseCode = "200", description = "New tokens",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Refreshed.class)))
    public Response refreshToken(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            Login login = logins.refresh(project, read(in, RefreshRequest.class).refreshToken());
            return json(200, Refreshed.of(login.tokens()));
        });
    }

    @POST
    @Path("auth/logout")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(RefreshRequest.class)
    @APIResponse(responseCode = "200", description = "Logged out",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            logins.logout(project, read(in, RefreshRequest.class).refreshToken(), bearerToken());
            return json(200, SuccessMessage.of("Logged out successfully"));
        });
    }

    /** {@code GET /auth/verify-email?token=}: the link of the verification mail. */
    @GET
    @Path("auth/verify-email")
    @APIResponse(responseCode = "200", description = "E-mail verified",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response verifyEmail(@QueryParam("token") String token) {
        return run(() -> {
            new EmailVerification(session).verify(token);
            return json(200, SuccessMessage.of("Email verified successfully"));
        });
    }

    /** {@code POST /auth/resend-verification} {email}: the same answer whether or not the e-mail is known. */
    @POST
    @Path("auth/resend-verification")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(EmailRequest.class)
    @APIResponse(responseCode = "200", description = "Sent if the address needs it: the same answer for every address",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response resendVerification(InputStream in) {
        return run(() -> {
            new EmailVerification(session).resend(read(in, EmailRequest.class).email());
            return json(200, SuccessMessage.of(
                "If the account exists and is not verified yet, a verification e-mail has been sent"));
        });
    }

    /** {@code POST /auth/password-reset/request} {email}: the same answer whether or not the e-mail is known. */
    @POST
    @Path("auth/password-reset/request")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(EmailRequest.class)
    @APIResponse(responseCode = "200", description = "Sent if the address is known: the same answer for every address",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response passwordResetRequest(InputStream in) {
        return run(() -> {
            new PasswordReset(session).request(read(in, EmailRequest.class).email(), null);
            return json(200, SuccessMessage.of(
                "If an account with that e-mail exists, a password reset link has been sent"));
        });
    }

    /** {@code POST /auth/password-reset/confirm} {token, password}. */
    @POST
    @Path("auth/password-reset/confirm")
    @Consumes(MediaType.WILDCARD)
    @RequestBodySchema(ResetRequest.class)
    @APIResponse(responseCode = "200", description = "Password reset",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response passwordResetConfirm(InputStream in) {
        return run(() -> {
            ResetRequest body = read(in, ResetRequest.class);
            new PasswordReset(session).confirm(body.token(), body.password());
            return json(200, SuccessMessage.of("Password has been reset"));
        });
    }

    /**
     * {@code POST auth/change-password} {currentPassword, newPassword}: the realm's password policy, the auth config's
     * hash written into the table, and every other session of the user ended. A wrong current password is a failed
     * login for brute-force detection.
     */
    @POST
    @Path("auth/change-password")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(ChangePasswordRequest.class)
    @APIResponse(responseCode = "200", description = "Password changed; the caller's other sessions ended",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response changePassword(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            ChangePasswordRequest body = read(in, ChangePasswordRequest.class);
            if (body.currentPassword() == null || body.currentPassword().isEmpty()) {
                throw AuthError.validation("currentPassword", "The current password is required.");
            }
            if (body.newPassword() == null || body.newPassword().isEmpty()) {
                throw AuthError.validation("newPassword", "The new password is required.");
            }
            AccountChanges changes = new AccountChanges(session);
            changes.requireStepUp(caller, body.currentPassword());
            changes.changePassword(caller.user(), body.newPassword(), caller.session());
            return json(200, SuccessMessage.of("Password changed"));
        });
    }

    /**
     * {@code POST auth/change-email} {newEmail, password}: mails a link to the new address and changes nothing until
     * it is opened ({@code GET auth/confirm-email-change}).
     */
    @POST
    @Path("auth/change-email")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @RequestBodySchema(ChangeEmailRequest.class)
    @APIResponse(responseCode = "200", description = "A link went to the new address; nothing changed yet",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response changeEmail(InputStream in) {
        return run(() -> {
            BearerAuth caller = callers.accountCaller(bearerToken());
            ChangeEmailRequest body = read(in, ChangeEmailRequest.class);
            new EmailChange(session).request(caller, body.newEmail(), body.password());
            return json(200, SuccessMessage.of("A confirmation link has been sent to the new e-mail address"));
        });
    }

    /** {@code GET auth/confirm-email-change?token=}: the link of the change mail; the e-mail changes, verified. */
    @GET
    @Path("auth/confirm-email-change")
    @APIResponse(responseCode = "200", description = "The e-mail is changed, and verified",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuccessMessage.class)))
    public Response confirmEmailChange(@QueryParam("token") String token) {
        return run(() -> {
            new EmailChange(session).confirm(token);
            return json(200, SuccessMessage.of("Email changed successfully"));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e); // Mavibase documents no error body: ours, shared with MaskAPI
    }
}
