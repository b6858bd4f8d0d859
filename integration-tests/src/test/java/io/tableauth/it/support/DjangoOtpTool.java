package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * django-otp itself (Debian's {@code python3-django-otp} with {@code python3-django}, {@code python3-psycopg2} and
 * {@code python3-mysqldb}, which {@code .ci/run} installs) against a test database: Django's migrations, a user, an
 * enrolment, the device's own codes and its own check ({@code frameworks/django_otp_tool.py}).
 */
public final class DjangoOtpTool {

    private static final String PYTHON = "/usr/bin/python3";

    private final TestDatabase db;

    public DjangoOtpTool(TestDatabase db) {
        this.db = db;
    }

    /** What {@code enroll} made: the TOTP device's hex key and three backup codes. */
    public record Enrolment(String key, List<String> backupCodes) {
    }

    public void migrate() {
        run("migrate");
    }

    public void user(String username, String email, String password) {
        run("user", username, email, password);
    }

    public Enrolment enroll(String username) {
        String[] lines = run("enroll", username).strip().split("\n");
        return new Enrolment(lines[0].strip(), List.of(lines[1].strip().split(" ")));
    }

    /** The TOTP device's code for this step, and for the next. */
    public List<String> tokens(String username) {
        return List.of(run("tokens", username).strip().split(" "));
    }

    /** django-otp's own {@code match_token}: true when it accepts (and so uses up) the token. */
    public boolean verify(String username, String token) {
        return "yes".equals(run("verify", username, token).strip());
    }

    private String run(String... args) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail("python3 is not installed (apt-get install python3-django-otp python3-django python3-psycopg2 "
                + "python3-mysqldb)");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        Map<String, String> env = builder.environment();
        env.put("DB_ENGINE", db.kind() == TestDatabase.Kind.MARIADB ? "mysql" : "postgresql");
        env.put("DB_NAME", db.name());
        env.put("DB_HOST", "127.0.0.1");
        env.put("DB_PORT", Integer.toString(db.serverPort()));
        env.put("DB_USER", db.user());
        env.put("DB_PASSWORD", db.password() == null ? "" : db.password());
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            byte[] errors = process.getErrorStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("django-otp's " + args[0] + " did not finish");
            }
            if (process.exitValue() != 0) {
                fail("django-otp's " + args[0] + " failed: " + new String(errors, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path script() {
        Path file = Path.of("target", "framework-verifiers", "django_otp_tool.py").toAbsolutePath();
        try (InputStream in = DjangoOtpTool.class.getResourceAsStream("/frameworks/django_otp_tool.py")) {
            Files.createDirectories(file.getParent());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }
}
