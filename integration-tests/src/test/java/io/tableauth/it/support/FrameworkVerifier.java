package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The frameworks' own password checks, run as processes on a hash tableauth wrote: PHP's {@code password_verify}
 * (Laravel, and PHP's argon2id), Django's PBKDF2 check as Django computes it (Python's {@code hashlib}), and Node's
 * {@code bcryptjs} (what Prisma and Express apps call). The password and the hash go in through the environment, never
 * through a shell. Debian's {@code php-cli}, {@code python3} and Node with npm must be installed ({@code .ci/run}
 * installs them); {@code bcryptjs} is fetched from the npm registry into {@code target/} once.
 */
public final class FrameworkVerifier {

    private static final String BCRYPTJS = "bcryptjs@2.4.3";

    private FrameworkVerifier() {
    }

    /** PHP's {@code password_verify}: bcrypt ({@code $2y$}, {@code $2b$}) and argon2id, as Laravel checks them. */
    public static boolean php(String password, String hash) {
        require("/usr/bin/php", "php-cli");
        return run(List.of("/usr/bin/php", "-r", "exit(password_verify(getenv('PW'), getenv('HASH')) ? 0 : 1);"),
            password, hash, null);
    }

    /**
     * Django's {@code PBKDF2PasswordHasher.verify}: {@code algorithm$iterations$salt$hash}, the hash being the base64
     * of {@code hashlib.pbkdf2_hmac('sha256', password, salt, iterations)}, compared in constant time.
     */
    public static boolean django(String password, String hash) {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        String code = String.join("\n",
            "import base64, hashlib, hmac, os, sys",
            "algorithm, iterations, salt, expected = os.environ['HASH'].split('$', 3)",
            "dk = hashlib.pbkdf2_hmac('sha256', os.environ['PW'].encode(), salt.encode(), int(iterations))",
            "ok = algorithm == 'pbkdf2_sha256' and hmac.compare_digest(base64.b64encode(dk).decode('ascii').strip(),"
                + " expected)",
            "sys.exit(0 if ok else 1)");
        return run(List.of(python, "-c", code), password, hash, null);
    }

    /** Node's {@code bcryptjs.compareSync}, as an Express or Prisma app checks a {@code $2b$} hash. */
    public static boolean node(String password, String hash) {
        Path dir = Path.of("target", "framework-verifiers").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules/bcryptjs"))) {
            require("/usr/bin/npm", "npm (or nodejs from NodeSource)");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (!run(List.of("/usr/bin/npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                BCRYPTJS), "", "", dir)) {
                fail("npm could not install " + BCRYPTJS + " from the npm registry");
            }
        }
        require("/usr/bin/node", "nodejs");
        return run(List.of("/usr/bin/node", "-e",
            "process.exit(require('bcryptjs').compareSync(process.env.PW, process.env.HASH) ? 0 : 1)"),
            password, hash, dir);
    }

    private static void require(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            fail(binary + " is not installed: apt-get install -y " + debianPackage + " (.ci/run does this)");
        }
    }

    private static boolean run(List<String> command, String password, String hash, Path dir) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Map<String, String> env = builder.environment();
        env.put("PW", password);
        env.put("HASH", hash);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command.get(0) + " did not finish");
            }
            int exit = process.exitValue();
            if (exit > 1) {
                fail(command.get(0) + " failed (" + exit + "): " + new String(output, StandardCharsets.UTF_8));
            }
            return exit == 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
