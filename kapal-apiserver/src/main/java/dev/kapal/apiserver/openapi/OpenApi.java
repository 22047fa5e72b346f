package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.Json;
import dev.kapal.apiserver.discovery.DiscoveryResponse;
import dev.kapal.apiserver.registry.ResourceRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers {@code /openapi/v3}, {@code /openapi/v3/<api/v1 | apis/<group>/<version>>} and
 * {@code /openapi/v2} from the {@link ResourceRegistry}, as kube-apiserver does.
 *
 * <ul>
 *   <li>{@code /openapi/v3} is the index: {@code {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=<HASH>"},...}}},
 *       where the hash is the upper-case hex SHA-512 of the group-version document's bytes.</li>
 *   <li>A group-version document is JSON (OpenAPI 3.0.0). Asked with {@code ?hash=} equal to its
 *       hash, the answer is immutable ({@code Cache-Control: public, immutable}, {@code Expires} a
 *       year ahead); with a stale hash it is a 301 to the current URL; without a hash it carries
 *       only its ETag. Accept must allow {@code application/json}: the protobuf form is not served
 *       (406), and kubectl and client-go ask for JSON.</li>
 *   <li>{@code /openapi/v2} is the Swagger 2.0 document of all group-versions, as JSON or, for
 *       client-go, as gnostic protobuf ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}
 *       or {@code ...spec.v2.v1.0+protobuf}), each with its own ETag.</li>
 * </ul>
 * Every answer carries its quoted ETag and is 304 when If-None-Match matches it. {@link #handle}
 * is empty for other paths and for group-versions not served (the HTTP layer answers 404).
 *
 * <p>Documents are rendered once per registry generation, on the first request that sees it, and
 * then served from immutable bytes; a CRD change bumps the generation and the next request renders
 * afresh. Thread-safe.
 */
public final class OpenApi {
    static final String JSON_CONTENT_TYPE = "application/json";
    /** The media types client-go sends for the v2 document in protobuf (current and deprecated spelling). */
    static final List<String> V2_PROTOBUF = List.of(
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    private static final String V3_PREFIX = "/openapi/v3/";

    private final ResourceRegistry registry;
    private final SchemaSource schemaSource;
    private final Clock clock;
    private final AtomicReference<Generation> cache = new AtomicReference<>(new Generation(-1, null, Map.of(), null, null));

    /** Publishes built-in kinds from the model and custom resources from their CRDs ({@link ModelSchemaSource}). */
    public OpenApi(ResourceRegistry registry) {
        this(registry, ModelSchemaSource.INSTANCE, Clock.systemUTC());
    }

    /** @param clock for the {@code Expires} header of hashed URLs */
    public OpenApi(ResourceRegistry registry, SchemaSource schemaSource, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.schemaSource = Objects.requireNonNull(schemaSource, "schemaSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The answer for a GET of {@code path}.
     *
     * @param rawQuery     the undecoded query string, empty when absent
     * @param acceptHeader the Accept header, empty when absent
     * @param ifNoneMatch  the If-None-Match header
     * @return empty when {@code path} is not an OpenAPI path or names a group-version not served;
     *         otherwise 200, 301 (stale hash), 304 or 406
     */
    public Optional<DiscoveryResponse> handle(String path, String rawQuery, String acceptHeader, Optional<String> ifNoneMatch) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(acceptHeader, "acceptHeader");
        Objects.requireNonNull(ifNoneMatch, "ifNoneMatch");
        if (path.equals("/openapi/v3")) {
            return Optional.of(answer(current().index(), JSON_CONTENT_TYPE, Map.of(), ifNoneMatch));
        }
        if (path.equals("/openapi/v2")) {
            Optional<String> chosen = negotiateV2(acceptHeader);
            if (chosen.isEmpty()) {
                return Optional.of(notAcceptable());
            }
            boolean json = chosen.get().equals(JSON_CONTENT_TYPE);
            // Always labelled with the dotted spelling: '@' may not appear in a media type, and Go's
            // mime parser (client-go) rejects a Content-Type containing it.
            return Optional.of(answer(json ? current().swagger() : current().swaggerProtobuf(),
                    json ? JSON_CONTENT_TYPE : V2_PROTOBUF.getFirst(), Map.of("Vary", "Accept"), ifNoneMatch));
        }
        if (!path.startsWith(V3_PREFIX)) {
            return Optional.empty();
        }
        String key = path.substring(V3_PREFIX.length());
        Rendered document = current().groupVersions().get(key);
        if (document == null) {
            return Optional.empty();
        }
        if (!accepts(acceptHeader, JSON_CONTENT_TYPE)) {
            return Optional.of(notAcceptable());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Vary", "Accept");
        Optional<String> hash = queryParameter(rawQuery, "hash");
        if (hash.isPresent()) {
            if (!hash.get().equals(document.hash())) {
                return Optional.of(redirect(serverRelativeUrl(key, document.hash())));
            }
            headers.put("Cache-Control", "public, immutable");
            headers.put("Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    clock.instant().atOffset(ZoneOffset.UTC).plusYears(1)));
        }
        return Optional.of(answer(document, JSON_CONTENT_TYPE, headers, ifNoneMatch));
    }

    /**
     * Renders the documents of the current registry generation now, so that the first client to
     * ask (kubectl's field-validation probe precedes every create and apply) does not wait for it.
     */
    public void prepare() {
        current();
    }

    /** The group-version documents' index keys served now ({@code api/v1}, {@code apis/apps/v1}, ...). */
    public List<String> groupVersionKeys() {
        return List.copyOf(current().groupVersions().keySet());
    }

    static String serverRelativeUrl(String key, String hash) {
        return V3_PREFIX + key + "?hash=" + hash;
    }

    private Generation current() {
        ResourceRegistry.Snapshot snapshot = registry.snapshot();
        Generation cached = cache.get();
        if (cached.generation() == snapshot.generation()) {
            return cached;
        }
        Generation fresh = render(snapshot);
        Generation kept = cache.accumulateAndGet(fresh, (old, next) -> next.generation() > old.generation() ? next : old);
        // If a newer generation won meanwhile, this request still answers from the snapshot it read.
        return kept.generation() == snapshot.generation() ? kept : fresh;
    }

    private Generation render(ResourceRegistry.Snapshot snapshot) {
        V3Documents documents = new V3Documents(snapshot, schemaSource);
        Map<String, Rendered> groupVersions = new TreeMap<>();
        List<V3Documents.GroupVersionDocument> all = new ArrayList<>();
        for (GroupVersion groupVersion : snapshot.groupVersions()) {
            V3Documents.GroupVersionDocument document = documents.document(groupVersion);
            all.add(document);
            groupVersions.put(V3Documents.indexKey(groupVersion), Rendered.of(document.document()));
        }
        ObjectNode index = Json.object();
        ObjectNode paths = index.putObject("paths");
        groupVersions.forEach((key, rendered) ->
                paths.putObject(key).put("serverRelativeURL", serverRelativeUrl(key, rendered.hash())));
        ObjectNode swagger = SwaggerV2.render(all);
        return new Generation(snapshot.generation(), Rendered.of(index), Map.copyOf(groupVersions),
                Rendered.of(swagger), Rendered.of(SwaggerProtobuf.encode(swagger)));
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
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code acceptHeader} admits {@code mediaType}: an empty header does, as do matching
     * ranges ({@code application/json}, {@code application/*}, {@code *}{@code /*}) unless their q is 0.
     */
    static boolean accepts(String acceptHeader, String mediaType) {
        if (acceptHeader.isBlank()) {
            return true;
        }
        String[] wanted = mediaType.split("/", 2);
        for (String clause : acceptHeader.split(",")) {
            String[] parts = clause.split(";");
            String range = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim().replace(" ", "");
                if (parameter.matches("q=0(\\.0*)?")) {
                    refused = true;
                }
            }
            String[] offered = range.split("/", 2);
            if (refused || offered.length != 2) {
                continue;
            }
            boolean typeMatches = offered[0].equals("*") || offered[0].equals(wanted[0]);
            boolean subtypeMatches = offered[1].equals("*") || offered[1].equals(wanted[1]);
            if (typeMatches && subtypeMatches) {
                return true;
            }
        }
        return false;
    }

    /**
     * The media type to answer {@code /openapi/v2} in: the first range of the Accept header (in
     * its order, as upstream's handler walks it) that admits JSON or one of the protobuf spellings.
     */
    static Optional<String> negotiateV2(String acceptHeader) {
        if (acceptHeader.isBlank()) {
            return Optional.of(JSON_CONTENT_TYPE);
        }
        for (String clause : acceptHeader.split(",")) {
            List<String> offered = new ArrayList<>();
            offered.add(JSON_CONTENT_TYPE);
            offered.addAll(V2_PROTOBUF);
            for (String mediaType : offered) {
                if (accepts(clause, mediaType)) {
                    return Optional.of(mediaType);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> queryParameter(String rawQuery, String name) {
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                String decoded = java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
                return decoded.isEmpty() ? Optional.empty() : Optional.of(decoded);
            }
        }
        return Optional.empty();
    }

    /** Upstream answers an unacceptable Accept on these paths with a bare 406. */
    private static DiscoveryResponse notAcceptable() {
        return new DiscoveryResponse(406, Optional.empty(), new byte[0], Map.of());
    }

    private static DiscoveryResponse redirect(String location) {
        byte[] body = ("<a href=\"" + location + "\">Moved Permanently</a>.\n\n").getBytes(StandardCharsets.UTF_8);
        return new DiscoveryResponse(301, Optional.of("text/html; charset=utf-8"), body, Map.of("Location", location));
    }

    private record Generation(long generation, Rendered index, Map<String, Rendered> groupVersions, Rendered swagger,
                              Rendered swaggerProtobuf) {
    }

    /** Rendered bytes, their hash (upper-case hex SHA-512, as upstream computes it) and quoted ETag. */
    private record Rendered(byte[] body, String hash) {
        static Rendered of(ObjectNode node) {
            return of(Json.write(node));
        }

        static Rendered of(byte[] body) {
            return new Rendered(body, sha512Hex(body));
        }

        String etag() {
            return "\"" + hash + "\"";
        }

        private static String sha512Hex(byte[] body) {
            try {
                return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-512", e);
            }
        }
    }
}
