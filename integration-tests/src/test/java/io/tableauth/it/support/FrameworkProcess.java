package io.tableauth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A framework's own code run as a process by a test: its script from the test resources, its output. */
final class FrameworkProcess {

    private FrameworkProcess() {
    }

    /** The output of the command; an AssertionError with its error output when it exits with anything but 0. */
    static String run(List<String> command, Map<String, String> env, String what) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            byte[] errors = process.getErrorStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(what + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(what + " failed: " + new String(errors, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A script of {@code src/test/resources/frameworks/}, copied where a process can run it. */
    static Path script(String name) {
        Path file = Path.of("target", "framework-verifiers", name).toAbsolutePath();
        try (InputStream in = FrameworkProcess.class.getResourceAsStream("/frameworks/" + name)) {
            Files.createDirectories(file.getParent());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }
}
