package io.tableauth.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a log file, for failure reports. */
final class LogTail {

    private LogTail() {
    }

    static String of(Path log, int lines) {
        try {
            return of(Files.readAllLines(log, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    static String of(List<String> all, int lines) {
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
