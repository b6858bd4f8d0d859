package io.tableauth.rest.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.tableauth.storage.PathPattern;
import io.tableauth.storage.SqlUserStorageProviderFactory;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * Compiled protected-path patterns, by their text. Only a compile cache: the patterns themselves are read from the
 * auth configs on every request, so an edit on any node applies everywhere at once.
 */
final class PathPatterns {

    private static final Logger LOG = Logger.getLogger(PathPatterns.class);
    private static final int MAX = 10_000;
    private static final Map<String, Optional<PathPattern>> COMPILED = new ConcurrentHashMap<>();

    private PathPatterns() {
    }

    /**
     * The pattern of a configured line, or empty for a blank or invalid one (saving refuses those; one written
     * around the console, e.g. by a realm import, or saved before a rule such as the caps on length and wildcards,
     * protects nothing rather than failing every request, and says so in the log once per node).
     */
    static Optional<PathPattern> get(String line) {
        String text = line == null ? "" : line.trim();
        Optional<PathPattern> pattern = COMPILED.get(text);
        if (pattern == null) {
            Optional<String> problem = text.isEmpty() ? Optional.empty() : PathPattern.problem(text);
            problem.ifPresent(why -> LOG.warnf("tableauth: the protected API path %s protects nothing: it %s. Save "
                + "its auth config again with a valid pattern", text.length() > 80 ? text.substring(0, 79) + "…" : text,
                why));
            pattern = text.isEmpty() || problem.isPresent() ? Optional.empty() : Optional.of(PathPattern.parse(text));
            if (COMPILED.size() >= MAX) {
                COMPILED.clear();
            }
            COMPILED.put(text, pattern);
        }
        return pattern;
    }

    /**
     * The enabled auth config whose protected path patterns match, the first by priority; null when none does. A
     * path that differs from a pattern only in letter case counts as matching. Only configs whose patterns match are
     * read further (enabled, priority): the common case, a path no other config claims, copies no component.
     */
    static ComponentModel protectingConfig(RealmModel realm, String path) {
        UserStorageProviderModel first = null;
        for (ComponentModel config : SqlUserStorageProviderFactory.authConfigs(realm).toList()) {
            List<String> lines = config.getConfig().get(SqlUserStorageProviderFactory.PROTECTED_PATHS);
            if (lines == null || lines.stream().map(PathPatterns::get).flatMap(Optional::stream)
                .noneMatch(p -> p.matches(path))) {
                continue;
            }
            UserStorageProviderModel model = new UserStorageProviderModel(config);
            if (model.isEnabled() && (first == null || model.getPriority() < first.getPriority())) {
                first = model;
            }
        }
        return first;
    }
}
