package io.tableauth.it.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The password-hash vectors made by PHP, libxcrypt and Python (user-storage-provider's test resources). */
final class HashVectors {

    record Vector(String format, String password, String hash, String wrong, String source) {
    }

    private static final List<Vector> ALL = load();

    private HashVectors() {
    }

    private static List<Vector> load() {
        Path file = Path.of("..", "user-storage-provider", "src", "test", "resources", "hash-vectors", "hash-vectors.json");
        try {
            List<Vector> list = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(file.toFile())) {
                list.add(new Vector(n.get("format").asText(), n.get("password").asText(), n.get("hash").asText(),
                    n.get("wrong").asText(), n.get("source").asText()));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** The first vector of a format whose password differs from the given one. */
    static Vector firstWithOtherPassword(String format, String notThisPassword) {
        return ALL.stream().filter(v -> v.format().equals(format) && !v.password().equals(notThisPassword))
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no other " + format + " vector"));
    }

    /** The first vector of a format whose hash starts with the given prefix (e.g. "$2y$10$"). */
    static Vector first(String format, String hashPrefix) {
        return ALL.stream().filter(v -> v.format().equals(format) && v.hash().startsWith(hashPrefix)
                && v.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 72)
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no vector " + format + " " + hashPrefix));
    }

    /** The first vector of a format made by that format's own implementation (not a prefix swap), 72 bytes or less. */
    static Vector genuine(String format) {
        return ALL.stream().filter(v -> v.format().equals(format) && v.source().contains("genuine")
                && v.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 72)
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no genuine " + format + " vector"));
    }
}
