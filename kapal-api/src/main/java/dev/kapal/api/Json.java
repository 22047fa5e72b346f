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

    static {
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
