package dev.kapal.api.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * YAML request bodies ({@code application/yaml}, {@code application/apply-patch+yaml}) read
 * into the JSON trees the API server handles.
 *
 * <p>Scalars follow YAML's core rules as Jackson applies them: plain {@code 1}, {@code 1.5},
 * {@code true}, {@code null} are typed; anything quoted stays a string, so
 * {@code version: "1.10"} is the string Kubernetes expects rather than the number 1.1. A
 * body holds one document. Limits (depth, aliases, size) keep hostile input cheap to refuse.
 */
public final class Yaml {
    /** Aliases to collections per document, as SnakeYAML counts them. */
    static final int MAX_ALIASES = 50;

    /** Nodes a document may hold once aliases are expanded; far above any real object. */
    static final long MAX_EXPANDED_NODES = 1_000_000;

    private static final LoaderOptions LOADER_OPTIONS = loaderOptions();
    private static final ObjectMapper MAPPER = build();

    private Yaml() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(MAX_ALIASES);
        loader.setNestingDepthLimit(Json.MAX_NESTING_DEPTH);
        loader.setAllowDuplicateKeys(false);
        return loader;
    }

    private static ObjectMapper build() {
        LoaderOptions loader = LOADER_OPTIONS;
        YAMLFactory configured = YAMLFactory.builder()
                .loaderOptions(loader)
                // "key:" with nothing after it is null in YAML (and in Kubernetes), not "".
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Json.MAX_NESTING_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // The plain parser reports an alias as its anchor's name; this one replays the anchored value.
        YAMLFactory factory = new YAMLAnchorReplayingFactory(configured, null);
        return YAMLMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /**
     * Parses a single YAML document.
     *
     * @throws ApiException 400 when the body is empty, not YAML, or holds more than one document
     */
    public static JsonNode parse(byte[] body) {
        try {
            checkExpandedSize(body);
        } catch (RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badRequest("the request body is not valid YAML: " + firstLine(e.getMessage()));
        }
        try (JsonParser parser = MAPPER.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw ApiException.badRequest("the request body is empty");
            }
            JsonNode node = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("the request body must hold a single YAML document");
            }
            return node == null ? Json.mapper().nullNode() : node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            // SnakeYAML reports some limits (aliases, depth) as its own unchecked exceptions.
            throw ApiException.badRequest("the request body is not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Parses a single YAML document that must be a mapping (an API object).
     *
     * @throws ApiException 400 otherwise
     */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node = parse(body);
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("the request body must be a YAML mapping, not " + node.getNodeType().name().toLowerCase());
    }

    /**
     * Refuses documents whose aliases would expand beyond {@link #MAX_EXPANDED_NODES} nodes
     * ("billion laughs"), before Jackson replays them. One streaming pass over SnakeYAML's
     * events, sizing every anchored node once, so the check itself stays linear.
     */
    private static void checkExpandedSize(byte[] body) {
        org.yaml.snakeyaml.Yaml events = new org.yaml.snakeyaml.Yaml(LOADER_OPTIONS);
        Map<String, Long> anchorSizes = new HashMap<>();
        Deque<long[]> sizes = new ArrayDeque<>();
        Deque<String> anchors = new ArrayDeque<>();
        long total = 0;
        for (Event event : events.parse(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
            long completed;
            if (event instanceof CollectionStartEvent start) {
                // Checked here, while events stream, so deep input stops early and cheaply.
                if (sizes.size() >= Json.MAX_NESTING_DEPTH) {
                    throw ApiException.badRequest("the request body is not valid YAML: nesting deeper than "
                            + Json.MAX_NESTING_DEPTH);
                }
                sizes.push(new long[]{1});
                anchors.push(start.getAnchor() == null ? "" : start.getAnchor());
                continue;
            } else if (event instanceof CollectionEndEvent) {
                completed = sizes.pop()[0];
                String anchor = anchors.pop();
                if (!anchor.isEmpty()) {
                    anchorSizes.put(anchor, completed);
                }
            } else if (event instanceof ScalarEvent scalar) {
                completed = 1;
                if (scalar.getAnchor() != null) {
                    anchorSizes.put(scalar.getAnchor(), 1L);
                }
            } else if (event instanceof AliasEvent alias) {
                completed = anchorSizes.getOrDefault(alias.getAnchor(), 1L);
            } else {
                continue;
            }
            if (sizes.isEmpty()) {
                total += completed;
            } else {
                sizes.peek()[0] += completed;
            }
            if (total > MAX_EXPANDED_NODES || (!sizes.isEmpty() && sizes.peek()[0] > MAX_EXPANDED_NODES)) {
                throw ApiException.badRequest("the request body is not valid YAML: aliases expand to more than "
                        + MAX_EXPANDED_NODES + " nodes");
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
