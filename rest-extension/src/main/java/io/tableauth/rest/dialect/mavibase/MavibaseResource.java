package io.tableauth.rest.dialect.mavibase;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.tableauth.authenticator.TotpEnrollment;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.EmailVerification;
import io.tableauth.rest.core.Login;
import io.tableauth.rest.core.PasswordReset;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.dialect.DialectResource;
import io.tableauth.rest.dialect.SuccessMessage;
import io.tableauth.rest.dialect.mavibase.Mavibase.CodeRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.EmailRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoggedIn;
import io.tableauth.rest.dialect.mavibase.Mavibase.LoginRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Me;
import io.tableauth.rest.dialect.mavibase.Mavibase.RefreshRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Refreshed;
import io.tableauth.rest.dialect.mavibase.Mavibase.RegisterRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.Registered;
import io.tableauth.rest.dialect.mavibase.Mavibase.ResetRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequest;
import io.tableauth.rest.dialect.mavibase.Mavibase.SecondFactorRequired;
import io.tableauth.rest.dialect.mavibase.Mavibase.TotpSetup;
import io.tableauth.rest.dialect.mavibase.Mavibase.User;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Mavibase platform auth: {@code /api/v1/platform/auth/{register,login,refresh-token,logout}} and
 * {@code GET /api/v1/platform/users/me}, on the realm's default client.
 */
public class MavibaseResource extends DialectResource {

    public MavibaseResource(KeycloakSession session) {
        super(session);
    }

    @Path("api-keys")
    public MavibaseApiKeysResource apiKeys() {
        return new MavibaseApiKeysResource(session);
    }

    @POST
    @Path("auth/register")
    @Consumes(MediaType.WILDCARD)
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
    public Response login(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            LoginRequest body = read(in, LoginRequest.class);
            Login login = logins.login(project, body.email(), body.password(), null, true);
            if (login.secondFactorRequired()) {
                return json(200, new SecondFactorRequired(true, login.tempToken()));
            }
            return json(200, LoggedIn.of(login.tokens(), AuthUser.of(login.user())));
        });
    }

    // --- two-factor authentication (TOTP)

    /** {@code POST /2fa/setup}: a new secret for the caller, as Base32, otpauth URI and QR image. */
    @POST
    @Path("2fa/setup")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorSetup() {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
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
    @Path("2fa/setup/verify")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorSetupVerify(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = read(in, CodeRequest.class).code();
            confirmed(new TotpEnrollment(session).confirm(user, code), "No two-factor setup is in progress");
            return json(200, SuccessMessage.of("Two-factor authentication enabled"));
        });
    }

    /** {@code POST /2fa/verify} {tempToken, code}: the second step of a login. */
    @POST
    @Path("2fa/verify")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorVerify(InputStream in) {
        return run(() -> {
            SecondFactorRequest body = read(in, SecondFactorRequest.class);
            projects.project(null, null, false);
            Login login = logins.completeSecondFactor(body.tempToken(), body.code());
            return json(200, LoggedIn.of(login.tokens(), AuthUser.of(login.user())));
        });
    }

    /** {@code POST /2fa/disable}: asks for a code to confirm. */
    @POST
    @Path("2fa/disable")
    @Consumes(MediaType.WILDCARD)
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
    @Path("2fa/disable/confirm")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorDisableConfirm(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = read(in, CodeRequest.class).code();
            confirmed(new TotpEnrollment(session).confirmDisable(user, code), "No two-factor disable is in progress");
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

    @POST
    @Path("auth/refresh-token")
    @Consumes(MediaType.WILDCARD)
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
    public Response passwordResetConfirm(InputStream in) {
        return run(() -> {
            ResetRequest body = read(in, ResetRequest.class);
            new PasswordReset(session).confirm(body.token(), body.password());
            return json(200, SuccessMessage.of("Password has been reset"));
        });
    }

    @GET
    @Path("users/me")
    public Response me() {
        return run(() -> {
            UserModel user = callers.me(bearerToken());
            return json(200, new Me(true, User.full(AuthUser.of(user))));
        });
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e); // Mavibase documents no error body: ours, shared with MaskAPI
    }
}
