package dev.kapal.api;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The JSON codec every component shares. Objects are handled as trees ({@link ObjectNode});
 * numbers keep their exact form ({@code BigDecimal} for decimals) so values round-trip.
 */
public final class Json {
    /** Deepest nesting accepted from clients; hostile bodies nest far deeper than real objects. */
    public static final int MAX_NESTING_DEPTH = 100;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The same codec without duplicate detection: a repeated field keeps its last value, as Go's decoder does. */
    private static final JsonMapper LAST_WINS = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        LAST_WINS.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Parses a JSON document; any syntax error becomes a 400 {@code BadRequest}. */
    public static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return node;
        } catch (IOException | NumberFormatException e) {
            // Jackson reports numbers it cannot represent (1e999999999999) as NumberFormatException.
            throw ApiException.badRequest("the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Parses a JSON object; anything else is a 400 {@code BadRequest}. */
    public static ObjectNode parseObject(byte[] bytes) {
        JsonNode node = parse(bytes);
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("the request body must be a JSON object, not " + node.getNodeType().name().toLowerCase());
    }

    /**
     * A decoded request object and the fields it repeats.
     *
     * @param object     the object, each repeated field holding its last value
     * @param duplicates the paths of repeated fields, in document order, as upstream's strict
     *                   decoder spells them ({@code spec.replicas}, {@code spec.containers[0].name})
     */
    public record Decoded(ObjectNode object, java.util.List<String> duplicates) {
        public Decoded {
            java.util.Objects.requireNonNull(object, "object");
            duplicates = java.util.List.copyOf(duplicates);
        }
    }

    /**
     * Parses a JSON object that may repeat fields, as a write request's body may: the caller
     * decides (by its field validation) whether repeats are an error, a warning or nothing. Any
     * other syntax error is a 400 {@code BadRequest}, as for {@link #parseObject}.
     */
    public static Decoded parseObjectReportingDuplicates(byte[] bytes) {
        try {
            return new Decoded(parseObject(bytes), java.util.List.of());
        } catch (ApiException strict) {
            if (strict.getMessage() == null || !strict.getMessage().contains("Duplicate field")) {
                throw strict;
            }
        }
        try {
            JsonNode node = LAST_WINS.readTree(bytes);
            if (!(node instanceof ObjectNode object)) {
                throw ApiException.badRequest("the request body must be a JSON object");
            }
            return new Decoded(object, duplicateFields(bytes));
        } catch (IOException | NumberFormatException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** The paths of repeated fields; the document is known to parse, so its nesting is bounded. */
    private static java.util.List<String> duplicateFields(byte[] bytes) throws IOException {
        java.util.List<String> duplicates = new java.util.ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser parser = LAST_WINS.getFactory().createParser(bytes)) {
            parser.nextToken();
            scanValue(parser, "", duplicates);
        }
        return duplicates;
    }

    private static void scanValue(com.fasterxml.jackson.core.JsonParser parser, String path, java.util.List<String> duplicates)
            throws IOException {
        com.fasterxml.jackson.core.JsonToken token = parser.currentToken();
        if (token == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                String field = path.isEmpty() ? name : path + "." + name;
                if (!seen.add(name)) {
                    duplicates.add(field);
                }
                parser.nextToken();
                scanValue(parser, field, duplicates);
            }
        } else if (token == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
            int index = 0;
            while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                scanValue(parser, path + "[" + index++ + "]", duplicates);
            }
        }
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text at {@code /a/b} if it is a string. */
    public static Optional<String> text(JsonNode node, String pointer) {
        JsonNode value = node.at(pointer);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** The object at {@code field} of {@code parent}, created when absent or not an object. */
    public static ObjectNode objectAt(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(field);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "malformed input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
