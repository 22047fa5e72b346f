package dev.kapal.apiserver.discovery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoints {@code /healthz}, {@code /livez} and {@code /readyz}, answering as
 * upstream's (load balancers and {@code kubectl get --raw='/readyz?verbose'} read them).
 *
 * <p>Checks are registered by name ({@code ping}, {@code log}, {@code etcd},
 * {@code poststarthook/...}) for the endpoints they belong to, and run in registration order on
 * every request, on the request's thread; a check must be quick and must not block for long.
 * <ul>
 *   <li>all pass: 200 {@code ok}; with {@code ?verbose} one {@code [+]<name> ok} line per check and
 *       {@code <endpoint> check passed};</li>
 *   <li>any fails: 500 with the verbose lines whatever was asked, failures as
 *       {@code [-]<name> failed: reason withheld} (the endpoint is public; the reason goes to the
 *       log) and {@code <endpoint> check failed};</li>
 *   <li>{@code ?exclude=<name>} (repeatable) skips a check ({@code [+]<name> excluded: ok});
 *       unknown names are reported in a {@code warn:} line and do not fail the request;</li>
 *   <li>{@code /<endpoint>/<name>} runs one check: 200 {@code ok}, or 500
 *       {@code internal server error: <reason>}.</li>
 * </ul>
 * Thread-safe; checks may be added while serving (post-start hooks register as they start).
 */
public final class Health {
    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    /** The three endpoints; a check belongs to one or more of them. */
    public enum Endpoint {
        HEALTHZ("healthz"),
        LIVEZ("livez"),
        READYZ("readyz");

        private final String pathName;

        Endpoint(String pathName) {
            this.pathName = pathName;
        }

        public String pathName() {
            return pathName;
        }
    }

    /** One health check; empty means healthy, a value is the reason it is not. */
    @FunctionalInterface
    public interface Check {
        Optional<String> failure();
    }

    private record Registered(String name, Set<Endpoint> endpoints, Check check) {
    }

    private final List<Registered> checks = new CopyOnWriteArrayList<>();

    /** Health with upstream's always-passing {@code ping} check on every endpoint. */
    public static Health withPing() {
        Health health = new Health();
        health.register("ping", EnumSet.allOf(Endpoint.class), Optional::empty);
        return health;
    }

    /**
     * Adds a check to {@code endpoints}.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public Health register(String name, Set<Endpoint> endpoints, Check check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (name.isBlank() || endpoints.isEmpty()) {
            throw new IllegalArgumentException("a health check needs a name and at least one endpoint: " + name);
        }
        synchronized (checks) {
            if (checks.stream().anyMatch(existing -> existing.name().equals(name))) {
                throw new IllegalArgumentException("health check " + name + " is already registered");
            }
            checks.add(new Registered(name, Set.copyOf(endpoints), check));
        }
        return this;
    }

    /** Adds a check to all three endpoints. */
    public Health register(String name, Check check) {
        return register(name, EnumSet.allOf(Endpoint.class), check);
    }

    /**
     * The answer for a GET of {@code path} with the raw (still URL-encoded) query string.
     *
     * @return empty when {@code path} is no health endpoint or names an unknown check
     */
    public Optional<HealthResponse> handle(String path, String rawQuery) {
        return handle(path, parseQuery(rawQuery));
    }

    /** As {@link #handle(String, String)} with a decoded query (parameter to its values). */
    public Optional<HealthResponse> handle(String path, Map<String, List<String>> query) {
        for (Endpoint endpoint : Endpoint.values()) {
            String prefix = "/" + endpoint.pathName();
            if (path.equals(prefix) || path.equals(prefix + "/")) {
                return Optional.of(all(endpoint, query.containsKey("verbose"), query.getOrDefault("exclude", List.of())));
            }
            if (path.startsWith(prefix + "/")) {
                return single(endpoint, path.substring(prefix.length() + 1));
            }
        }
        return Optional.empty();
    }

    private HealthResponse all(Endpoint endpoint, boolean verbose, List<String> excludes) {
        Set<String> unmatched = new TreeSet<>();
        for (String exclude : excludes) {
            if (!exclude.isBlank()) {
                unmatched.add(exclude.trim());
            }
        }
        StringBuilder lines = new StringBuilder();
        List<String> failed = new ArrayList<>();
        for (Registered check : checks) {
            if (!check.endpoints().contains(endpoint)) {
                continue;
            }
            if (unmatched.remove(check.name())) {
                lines.append("[+]").append(check.name()).append(" excluded: ok\n");
                continue;
            }
            Optional<String> failure = run(check);
            if (failure.isPresent()) {
                lines.append("[-]").append(check.name()).append(" failed: reason withheld\n");
                failed.add(check.name() + ": " + failure.get());
            } else {
                lines.append("[+]").append(check.name()).append(" ok\n");
            }
        }
        if (!unmatched.isEmpty()) {
            lines.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", unmatched.stream().map(name -> "\"" + name + "\"").toList()))
                    .append('\n');
        }
        if (!failed.isEmpty()) {
            LOG.warn("{} check failed: {}", endpoint.pathName(), failed);
            return new HealthResponse(500, lines + endpoint.pathName() + " check failed\n");
        }
        if (!verbose) {
            return new HealthResponse(200, "ok");
        }
        return new HealthResponse(200, lines + endpoint.pathName() + " check passed\n");
    }

    private Optional<HealthResponse> single(Endpoint endpoint, String name) {
        for (Registered check : checks) {
            if (check.name().equals(name) && check.endpoints().contains(endpoint)) {
                Optional<String> failure = run(check);
                return Optional.of(failure
                        .map(reason -> new HealthResponse(500, "internal server error: " + reason + "\n"))
                        .orElseGet(() -> new HealthResponse(200, "ok")));
            }
        }
        return Optional.empty();
    }

    /** A check that throws has failed; it must not turn the health endpoint itself into a 500 page. */
    private static Optional<String> run(Registered check) {
        try {
            return Objects.requireNonNull(check.check().failure(), "a check returned null");
        } catch (RuntimeException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a malformed escape is kept literally rather than failing a probe
        }
    }
}
