package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small helpers shared by the printers: reading fields of JSON objects the way Go's zero
 * values read them (a missing string is {@code ""}, a missing number 0), and the formats
 * upstream reuses across kinds (label maps, container lists, ages).
 */
final class Cells {
    private Cells() {
    }

    static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }

    static JsonNode integer(long value) {
        return JsonNodeFactory.instance.numberNode(value);
    }

    static JsonNode bool(boolean value) {
        return BooleanNode.valueOf(value);
    }

    static JsonNode none() {
        return NullNode.getInstance();
    }

    /** The text at a path of field names; {@code ""} when absent or not a scalar. */
    static String string(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    /** The integer at a path; 0 when absent. */
    static long number(JsonNode node, String... path) {
        return at(node, path).asLong(0);
    }

    static boolean flag(JsonNode node, String... path) {
        return at(node, path).asBoolean(false);
    }

    /** Whether the path is present and not {@code null} (a non-nil pointer upstream). */
    static boolean present(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return !value.isMissingNode() && !value.isNull();
    }

    static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String field : path) {
            current = current.path(field);
        }
        return current;
    }

    /** The elements of an array at a path; empty when absent. */
    static List<JsonNode> items(JsonNode node, String... path) {
        JsonNode array = at(node, path);
        List<JsonNode> result = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(result::add);
        }
        return result;
    }

    /** The number of entries of an object or array at a path (Go's {@code len} of a map or slice). */
    static long size(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isObject() || value.isArray() ? value.size() : 0;
    }

    static String name(JsonNode object) {
        return string(object, "metadata", "name");
    }

    static JsonNode age(JsonNode object, Instant now) {
        return text(Durations.since(string(object, "metadata", "creationTimestamp"), now));
    }

    static boolean deleting(JsonNode object) {
        return present(object, "metadata", "deletionTimestamp");
    }

    /** {@code labels.FormatLabels}: {@code k=v} sorted by key, comma-joined; {@code <none>} when empty. */
    static String labels(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>();
        if (map.isObject()) {
            map.properties().forEach(entry -> sorted.put(entry.getKey(), entry.getValue().asText()));
        }
        if (sorted.isEmpty()) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((key, value) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(key).append('=').append(value);
        });
        return out.toString();
    }

    /** {@code layoutContainerCells}: container names and images, each comma-joined. */
    static List<JsonNode> containers(JsonNode containers) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        if (containers.isArray()) {
            for (JsonNode container : containers) {
                names.add(string(container, "name"));
                images.add(string(container, "image"));
            }
        }
        return List.of(text(String.join(",", names)), text(String.join(",", images)));
    }

    /** {@code metav1.FormatLabelSelector}: the selector string, {@code <none>} when empty. */
    static String selector(JsonNode selector) {
        return dev.kapal.api.selector.LabelSelector.format(selector);
    }

    /** Go's {@code %d/%d}. */
    static String ratio(long numerator, long denominator) {
        return numerator + "/" + denominator;
    }

    /** Upstream's lists that show three entries and count the rest ({@code a,b,c + 2 more...}). */
    static String listWithMore(List<String> list, boolean more, int count, int max) {
        String joined = String.join(",", list);
        if (more) {
            return joined + " + " + (count - max) + " more...";
        }
        return joined.isEmpty() ? "<unset>" : joined;
    }
}
