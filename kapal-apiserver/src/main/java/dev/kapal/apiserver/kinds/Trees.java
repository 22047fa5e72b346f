package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Small helpers over JSON trees. Defaulting only fills what is absent (or JSON {@code null}),
 * which is what upstream's defaulters do with nil pointers and empty strings.
 */
final class Trees {
    private Trees() {
    }

    static boolean absent(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty());
    }

    static void defaultText(ObjectNode parent, String field, String value) {
        if (absent(parent, field)) {
            parent.put(field, value);
        }
    }

    /**
     * Writes an int node when the value fits, as the JSON parser produces for client input, so a
     * defaulted object equals the same object sent by a client.
     */
    static void defaultInt(ObjectNode parent, String field, long value) {
        if (absent(parent, field)) {
            if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                parent.put(field, (int) value);
            } else {
                parent.put(field, value);
            }
        }
    }

    static void defaultBoolean(ObjectNode parent, String field, boolean value) {
        if (absent(parent, field)) {
            parent.put(field, value);
        }
    }

    /** Sets an empty object when absent, as upstream serializes zero-valued non-pointer structs. */
    static ObjectNode defaultObject(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(field);
    }

    /** The object at {@code field}, if there is one. */
    static Optional<ObjectNode> object(JsonNode parent, String field) {
        JsonNode value = parent == null ? null : parent.get(field);
        return value instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    /** The object elements of the array at {@code field} (non-objects skipped). */
    static List<ObjectNode> objects(JsonNode parent, String field) {
        JsonNode value = parent == null ? null : parent.get(field);
        List<ObjectNode> result = new ArrayList<>();
        if (value instanceof ArrayNode array) {
            for (JsonNode element : array) {
                if (element instanceof ObjectNode object) {
                    result.add(object);
                }
            }
        }
        return result;
    }

    static void forEachObject(JsonNode parent, String field, Consumer<ObjectNode> action) {
        objects(parent, field).forEach(action);
    }

    static String text(JsonNode parent, String field) {
        JsonNode value = parent == null ? null : parent.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    /** A string-to-string map field ({@code labels}, {@code selector}, {@code data}), insertion ordered. */
    static Map<String, String> stringMap(JsonNode parent, String field) {
        Map<String, String> result = new LinkedHashMap<>();
        JsonNode value = parent == null ? null : parent.get(field);
        if (value instanceof ObjectNode object) {
            object.fields().forEachRemaining(entry -> result.put(entry.getKey(), entry.getValue().asText()));
        }
        return result;
    }

    /** The node at a JSON pointer, or a missing node. */
    static JsonNode at(JsonNode node, String pointer) {
        return node.at(pointer);
    }

    /** Whether two optional subtrees are equal, treating absent and JSON null alike. */
    static boolean same(JsonNode left, JsonNode right) {
        boolean leftAbsent = left == null || left.isNull() || left.isMissingNode();
        boolean rightAbsent = right == null || right.isNull() || right.isMissingNode();
        if (leftAbsent || rightAbsent) {
            return leftAbsent == rightAbsent;
        }
        return left.equals(right);
    }
}
