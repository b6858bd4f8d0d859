package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        List<String> command = new ArrayList<>(List.of(PYTHON, FrameworkProcess.script("django_otp_tool.py").toString()));
        command.addAll(List.of(args));
        return FrameworkProcess.run(command, Map.of("DB_ENGINE", db.kind() == TestDatabase.Kind.MARIADB ? "mysql"
            : "postgresql", "DB_NAME", db.name(), "DB_HOST", "127.0.0.1", "DB_PORT", Integer.toString(db.serverPort()),
            "DB_USER", db.user(), "DB_PASSWORD", db.password() == null ? "" : db.password()), "django-otp's " + args[0]);
    }
}
