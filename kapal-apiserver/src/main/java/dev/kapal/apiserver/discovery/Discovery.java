package dev.kapal.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.Json;
import dev.kapal.apiserver.registry.ResourceRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers the discovery endpoints and {@code /version} from the {@link ResourceRegistry}.
 *
 * <p>Paths: {@code /api}, {@code /apis} (plain or aggregated by the Accept header),
 * {@code /api/v1}, {@code /apis/<group>}, {@code /apis/<group>/<version>}, {@code /version}.
 * A trailing slash is ignored. {@link #handle} is empty for any other path, including groups and
 * versions not served; the HTTP layer answers those 404 with a Status.
 *
 * <p>Every document of a registry generation is rendered once, on the first request that sees
 * that generation, into immutable bytes with their ETag; serving is then a map lookup. A CRD
 * change bumps the generation and the next request renders afresh. Concurrent requests may render
 * the same generation twice; the result is identical and an older generation never replaces a
 * newer one.
 *
 * <p>Thread-safe; call from any number of request threads.
 */
public final class Discovery {
    /** Plain JSON answers carry no parameters, as upstream's. */
    static final String JSON_CONTENT_TYPE = "application/json";

    private final ResourceRegistry registry;
    private final VersionInfo version;
    private final String serverAddress;
    private final Rendered versionDocument;
    private final AtomicReference<Generation> cache = new AtomicReference<>(new Generation(-1, Map.of()));

    /**
     * @param serverAddress {@code host:port} clients should use, published in {@code /api}'s
     *                      {@code serverAddressByClientCIDRs} (the advertise address)
     */
    public Discovery(ResourceRegistry registry, VersionInfo version, String serverAddress) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.version = Objects.requireNonNull(version, "version");
        this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
        this.versionDocument = Rendered.of(version.toJson());
    }

    public VersionInfo version() {
        return version;
    }

    /**
     * The answer for a GET of {@code path}.
     *
     * @param acceptHeader the request's Accept header, empty string when absent
     * @param ifNoneMatch  the request's If-None-Match header
     * @return empty when {@code path} is not a discovery path or names a group or version not
     *         served; otherwise 200, 304 (If-None-Match matched the ETag) or 406 (nothing in
     *         {@code acceptHeader} can be produced)
     */
    public Optional<DiscoveryResponse> handle(String path, String acceptHeader, Optional<String> ifNoneMatch) {
        Objects.requireNonNull(acceptHeader, "acceptHeader");
        Objects.requireNonNull(ifNoneMatch, "ifNoneMatch");
        String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (normalized.equals("/version")) {
            return Optional.of(answer(versionDocument, JSON_CONTENT_TYPE, Map.of(), ifNoneMatch));
        }
        Map<Key, Rendered> documents = current();
        boolean aggregatable = normalized.equals("/api") || normalized.equals("/apis");
        if (!documents.containsKey(new Key(normalized, DiscoveryMediaType.JSON))) {
            return Optional.empty();
        }
        Optional<DiscoveryMediaType> chosen = DiscoveryMediaType.negotiate(acceptHeader, aggregatable);
        if (chosen.isEmpty()) {
            return Optional.of(notAcceptable());
        }
        DiscoveryMediaType mediaType = chosen.get();
        Rendered rendered = documents.get(new Key(normalized, mediaType));
        Map<String, String> headers = new LinkedHashMap<>();
        if (aggregatable) {
            // The body at /api and /apis depends on Accept; shared caches must key on it.
            headers.put("Vary", "Accept");
        }
        if (mediaType.aggregated()) {
            headers.put("Cache-Control", "public");
        }
        return Optional.of(answer(rendered, mediaType.contentType(), headers, ifNoneMatch));
    }

    private static DiscoveryResponse answer(Rendered rendered, String contentType, Map<String, String> headers,
                                            Optional<String> ifNoneMatch) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("ETag", rendered.etag());
        if (ifNoneMatch.isPresent() && matches(ifNoneMatch.get(), rendered.etag())) {
            return DiscoveryResponse.notModified(all);
        }
        return DiscoveryResponse.ok(contentType, rendered.body(), all);
    }

    /** If-None-Match holds a list of entity tags or {@code *}; weak tags compare by their value. */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static DiscoveryResponse notAcceptable() {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", "only the following media types are accepted: " + JSON_CONTENT_TYPE + ", "
                + DiscoveryMediaType.AGGREGATED_V2.contentType() + ", " + DiscoveryMediaType.AGGREGATED_V2BETA1.contentType());
        status.put("reason", "NotAcceptable");
        status.put("code", 406);
        return new DiscoveryResponse(406, Optional.of(JSON_CONTENT_TYPE), Rendered.of(status).body(), Map.of());
    }

    private Map<Key, Rendered> current() {
        ResourceRegistry.Snapshot snapshot = registry.snapshot();
        Generation cached = cache.get();
        if (cached.generation() == snapshot.generation()) {
            return cached.documents();
        }
        Generation fresh = new Generation(snapshot.generation(), render(snapshot));
        Generation kept = cache.accumulateAndGet(fresh, (old, next) -> next.generation() > old.generation() ? next : old);
        // If a newer generation won meanwhile, this request still answers from the snapshot it read.
        return kept.generation() == snapshot.generation() ? kept.documents() : fresh.documents();
    }

    private Map<Key, Rendered> render(ResourceRegistry.Snapshot snapshot) {
        DiscoveryDocuments documents = new DiscoveryDocuments(snapshot, serverAddress);
        Map<Key, Rendered> result = new HashMap<>();
        result.put(new Key("/api", DiscoveryMediaType.JSON), Rendered.of(documents.apiVersions()));
        result.put(new Key("/apis", DiscoveryMediaType.JSON), Rendered.of(documents.apiGroupList()));
        for (DiscoveryMediaType mediaType : DiscoveryMediaType.values()) {
            if (mediaType.aggregated()) {
                result.put(new Key("/api", mediaType), Rendered.of(documents.aggregated(true, mediaType)));
                result.put(new Key("/apis", mediaType), Rendered.of(documents.aggregated(false, mediaType)));
            }
        }
        for (GroupVersion groupVersion : snapshot.groupVersions()) {
            documents.apiResourceList(groupVersion).ifPresent(list ->
                    result.put(new Key(groupVersion.pathPrefix(), DiscoveryMediaType.JSON), Rendered.of(list)));
        }
        for (String group : documents.groupNames()) {
            documents.apiGroup(group).ifPresent(node ->
                    result.put(new Key("/apis/" + group, DiscoveryMediaType.JSON), Rendered.of(node)));
        }
        return Map.copyOf(result);
    }

    private record Key(String path, DiscoveryMediaType mediaType) {
    }

    private record Generation(long generation, Map<Key, Rendered> documents) {
    }

    /** Rendered bytes (with the trailing newline Go's JSON encoder writes) and their quoted ETag. */
    private record Rendered(byte[] body, String etag) {
        static Rendered of(ObjectNode node) {
            byte[] json = Json.write(node);
            byte[] body = new byte[json.length + 1];
            System.arraycopy(json, 0, body, 0, json.length);
            body[json.length] = '\n';
            return new Rendered(body, "\"" + sha512Hex(body) + "\"");
        }

        private static String sha512Hex(byte[] body) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(body)).toUpperCase(java.util.Locale.ROOT);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-512", e);
            }
        }
    }
}
