package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Laravel's own Encrypter (Debian's {@code php-illuminate-encryption}, which {@code .ci/run} installs) with an
 * application's APP_KEY, as Fortify's {@code encrypt()} and {@code decrypt()} use it
 * ({@code frameworks/laravel_encrypter.php}); and Laravel's bcrypt.
 */
public final class LaravelTool {

    private final String appKey;

    public LaravelTool(String appKey) {
        this.appKey = appKey;
    }

    public String encrypt(String value) {
        return run("encrypt", value);
    }

    /** The value, or null when Laravel refuses the payload (another key, tampered). */
    public String decrypt(String payload) {
        try {
            return run("decrypt", payload);
        } catch (AssertionError e) {
            return null;
        }
    }

    public String hash(String password) {
        return run("hash", password);
    }

    private String run(String command, String value) {
        if (!Files.isExecutable(Path.of("/usr/bin/php"))) {
            fail("php is not installed (apt-get install php-cli php-illuminate-encryption)");
        }
        return FrameworkProcess.run(List.of("/usr/bin/php", FrameworkProcess.script("laravel_encrypter.php").toString(),
            command, value), Map.of("APP_KEY", appKey), "Laravel's " + command);
    }
}
