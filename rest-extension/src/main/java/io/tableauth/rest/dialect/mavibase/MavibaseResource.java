package io.tableauth.rest.dialect.mavibase;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Consumes;
import io.tableauth.rest.core.Signup;
import io.tableauth.rest.core.Login;
import java.io.InputStream;
import java.time.Instant;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.authenticator.TotpEnrollment;
import io.tableauth.rest.core.AuthError;
import io.tableauth.rest.core.AuthUser;
import io.tableauth.rest.core.EmailVerification;
import io.tableauth.rest.core.PasswordReset;
import io.tableauth.rest.core.Project;
import io.tableauth.rest.dialect.DialectResource;
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
            ObjectNode body = body(in);
            String email = text(body, "email");
            String password = text(body, "password");
            String confirm = text(body, "confirmPassword");
            if (email == null || email.isBlank()) {
                throw AuthError.validation("email", "The email is required.");
            }
            if (confirm != null && !confirm.equals(password)) {
                throw AuthError.validation("confirmPassword", "The passwords do not match.");
            }
            String first = text(body, "firstName");
            String last = text(body, "lastName");
            if (first == null && last == null) {
                String[] name = splitName(text(body, "name"));
                first = name[0];
                last = name[1];
            }
            UserModel user = signups.signup(project, new Signup(email.trim(), email.trim(), first, last,
                password, null));
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", realm().isVerifyEmail()
                ? "Registration successful. Please verify your email." : "Registration successful.");
            out.set("user", user(AuthUser.of(user), true));
            return json(201, out);
        });
    }

    @POST
    @Path("auth/login")
    @Consumes(MediaType.WILDCARD)
    public Response login(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            String email = text(body, "email");
            Login login = logins.login(project, email, text(body, "password"), null, true);
            if (login.secondFactorRequired()) {
                ObjectNode out = object();
                out.put("requires2FA", true);
                out.put("tempToken", login.tempToken());
                return json(200, out);
            }
            return json(200, loggedIn(login));
        });
    }

    private ObjectNode loggedIn(Login login) {
        ObjectNode out = object();
        out.put("success", true);
        out.put("token", login.tokens().accessToken());
        out.put("refreshToken", login.tokens().refreshToken());
        out.put("expiresIn", login.tokens().expiresIn());
        out.set("user", user(AuthUser.of(login.user()), false));
        return out;
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
            ObjectNode out = object();
            out.put("secret", setup.secretBase32());
            out.put("qrCode", setup.otpauthUri());
            out.put("qrCodeImage", "data:image/png;base64," + setup.qrPngBase64());
            return json(200, out);
        });
    }

    /** {@code POST /2fa/setup/verify} {code}: turns the started setup on. */
    @POST
    @Path("2fa/setup/verify")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorSetupVerify(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = text(body(in), "code");
            confirmed(new TotpEnrollment(session).confirm(user, code), "No two-factor setup is in progress");
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Two-factor authentication enabled");
            return json(200, out);
        });
    }

    /** {@code POST /2fa/verify} {tempToken, code}: the second step of a login. */
    @POST
    @Path("2fa/verify")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorVerify(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            projects.project(null, null, false);
            return json(200, loggedIn(logins.completeSecondFactor(text(body, "tempToken"), text(body, "code"))));
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
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Confirm with a code from your authenticator app");
            return json(200, out);
        });
    }

    /** {@code POST /2fa/disable/confirm} {code}: removes the caller's TOTP. */
    @POST
    @Path("2fa/disable/confirm")
    @Consumes(MediaType.WILDCARD)
    public Response twoFactorDisableConfirm(InputStream in) {
        return run(() -> {
            UserModel user = callers.accountCaller(bearerToken()).user();
            String code = text(body(in), "code");
            confirmed(new TotpEnrollment(session).confirmDisable(user, code), "No two-factor disable is in progress");
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Two-factor authentication disabled");
            return json(200, out);
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
            ObjectNode body = body(in);
            Login login = logins.refresh(project, text(body, "refreshToken"));
            ObjectNode out = object();
            out.put("success", true);
            out.put("token", login.tokens().accessToken());
            out.put("refreshToken", login.tokens().refreshToken());
            out.put("expiresIn", login.tokens().expiresIn());
            return json(200, out);
        });
    }

    @POST
    @Path("auth/logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(InputStream in) {
        return run(() -> {
            Project project = projects.project(null, null, false);
            ObjectNode body = body(in);
            logins.logout(project, text(body, "refreshToken"), bearerToken());
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Logged out successfully");
            return json(200, out);
        });
    }

    /** {@code GET /auth/verify-email?token=}: the link of the verification mail. */
    @GET
    @Path("auth/verify-email")
    public Response verifyEmail(@QueryParam("token") String token) {
        return run(() -> {
            new EmailVerification(session).verify(token);
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Email verified successfully");
            return json(200, out);
        });
    }

    /** {@code POST /auth/resend-verification} {email}: the same answer whether or not the e-mail is known. */
    @POST
    @Path("auth/resend-verification")
    @Consumes(MediaType.WILDCARD)
    public Response resendVerification(InputStream in) {
        return run(() -> {
            new EmailVerification(session).resend(text(body(in), "email"));
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "If the account exists and is not verified yet, a verification e-mail has been sent");
            return json(200, out);
        });
    }

    /** {@code POST /auth/password-reset/request} {email}: the same answer whether or not the e-mail is known. */
    @POST
    @Path("auth/password-reset/request")
    @Consumes(MediaType.WILDCARD)
    public Response passwordResetRequest(InputStream in) {
        return run(() -> {
            new PasswordReset(session).request(text(body(in), "email"), null);
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "If an account with that e-mail exists, a password reset link has been sent");
            return json(200, out);
        });
    }

    /** {@code POST /auth/password-reset/confirm} {token, password}. */
    @POST
    @Path("auth/password-reset/confirm")
    @Consumes(MediaType.WILDCARD)
    public Response passwordResetConfirm(InputStream in) {
        return run(() -> {
            ObjectNode body = body(in);
            new PasswordReset(session).confirm(text(body, "token"), text(body, "password"));
            ObjectNode out = object();
            out.put("success", true);
            out.put("message", "Password has been reset");
            return json(200, out);
        });
    }

    @GET
    @Path("users/me")
    public Response me() {
        return run(() -> {
            UserModel user = callers.me(bearerToken());
            ObjectNode out = object();
            out.put("success", true);
            ObjectNode u = user(AuthUser.of(user), true);
            if (user.getCreatedTimestamp() != null) {
                u.put("createdAt", Instant.ofEpochMilli(user.getCreatedTimestamp()).toString());
            }
            out.set("user", u);
            return json(200, out);
        });
    }

    private static ObjectNode user(AuthUser u, boolean withVerified) {
        ObjectNode out = object();
        out.put("id", u.id());
        out.put("email", u.email());
        out.put("name", u.name());
        if (withVerified) {
            out.put("emailVerified", u.emailVerified());
        }
        return out;
    }

    @Override
    protected Response error(AuthError e) {
        return successFalse(e); // Mavibase documents no error body: ours, shared with MaskAPI
    }
}
