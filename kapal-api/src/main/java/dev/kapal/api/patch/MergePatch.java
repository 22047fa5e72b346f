package dev.kapal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * RFC 7386 JSON merge patch: an object patch merges member by member, {@code null} deletes a
 * member, anything else (arrays included) replaces the target whole.
 *
 * <p>One deliberate difference from the RFC, shared with the library behind kube-apiserver:
 * {@code null} members of objects inside a replacing array are dropped too, because Kubernetes
 * objects have no use for explicit nulls and clients send them meaning "unset".
 */
public final class MergePatch {
    private MergePatch() {
    }

    /**
     * The Patcher entry point: the body must be a JSON object (a Kubernetes object is one, so
     * no other patch could produce a valid result).
     *
     * @throws ApiException 400 when the body is not JSON or not an object
     */
    public static JsonNode apply(JsonNode original, byte[] body) {
        JsonNode patch = Json.parse(body);
        if (!patch.isObject()) {
            throw ApiException.badRequest("Invalid JSON Patch");
        }
        if (!original.isObject()) {
            throw ApiException.badRequest("Invalid JSON Document");
        }
        return apply(original, patch);
    }

    /** Merges {@code patch} into a copy of {@code target}; neither argument is changed. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return pruned(patch);
        }
        ObjectNode result = target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
        mergeInto(result, (ObjectNode) patch);
        return result;
    }

    private static void mergeInto(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
                continue;
            }
            JsonNode current = target.get(field.getKey());
            if (value.isObject() && current != null && current.isObject()) {
                mergeInto((ObjectNode) current, (ObjectNode) value);
            } else {
                target.set(field.getKey(), pruned(value));
            }
        }
    }

    /** A copy without null object members, at any depth. */
    private static JsonNode pruned(JsonNode value) {
        if (value.isObject()) {
            ObjectNode copy = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNull()) {
                    copy.set(field.getKey(), pruned(field.getValue()));
                }
            }
            return copy;
        }
        if (value.isArray()) {
            ArrayNode copy = Json.array();
            for (JsonNode element : value) {
                copy.add(pruned(element));
            }
            return copy;
        }
        return value.deepCopy();
    }

    /**
     * The merge patch turning {@code source} into {@code target} (what {@code kubectl edit}
     * and {@code apply} compute client-side). Exact when {@code target} holds no explicit
     * {@code null}s, which merge patches cannot express.
     */
    public static JsonNode diff(JsonNode source, JsonNode target) {
        if (!(source.isObject() && target.isObject())) {
            return target.deepCopy();
        }
        ObjectNode patch = Json.object();
        for (Iterator<String> names = source.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!target.has(name)) {
                patch.set(name, NullNode.getInstance());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = target.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = source.get(field.getKey());
            JsonNode after = field.getValue();
            if (before == null) {
                patch.set(field.getKey(), after.deepCopy());
            } else if (!before.equals(after)) {
                if (before.isObject() && after.isObject()) {
                    patch.set(field.getKey(), diff(before, after));
                } else {
                    patch.set(field.getKey(), after.deepCopy());
                }
            }
        }
        return patch;
    }
}
