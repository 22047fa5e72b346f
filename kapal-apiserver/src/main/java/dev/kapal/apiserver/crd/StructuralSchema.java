package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One version's {@code openAPIV3Schema}, read as a structural schema: every node says its
 * {@code type} (or is {@code x-kubernetes-int-or-string} / {@code x-kubernetes-preserve-unknown-fields}),
 * objects list {@code properties} or a map's {@code additionalProperties}.
 *
 * <p>Pruning and defaulting work on the object in place, as upstream does while decoding a
 * request: unknown fields are dropped unless a node preserves them, then absent fields with a
 * {@code default} get a copy of it. The root keeps {@code apiVersion}, {@code kind} and
 * {@code metadata} whatever the schema says, and so does every
 * {@code x-kubernetes-embedded-resource} node.
 */
public record StructuralSchema(JsonNode root) {
    static final String PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";
    static final String INT_OR_STRING = "x-kubernetes-int-or-string";
    static final String EMBEDDED_RESOURCE = "x-kubernetes-embedded-resource";
    private static final Set<String> TYPE_META_AND_METADATA = Set.of("apiVersion", "kind", "metadata");

    /** A schema that preserves everything and checks nothing (a version without a schema). */
    public static final StructuralSchema PRESERVE_ALL = new StructuralSchema(
            dev.kapal.api.Json.object().put("type", "object").put(PRESERVE_UNKNOWN_FIELDS, true));

    public StructuralSchema {
        Objects.requireNonNull(root, "root");
    }

    /** Drops fields the schema does not know (apiVersion, kind and metadata stay at the root). */
    public void prune(ObjectNode object) {
        pruneObject(root, object, true);
    }

    /** Fills absent fields that have a {@code default}, after pruning. */
    public void applyDefaults(ObjectNode object) {
        defaultNode(root, object, true);
    }

    // ---------------------------------------------------------------- pruning

    private static void pruneNode(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object) {
            pruneObject(schema, object, schema.path(EMBEDDED_RESOURCE).asBoolean(false));
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            JsonNode items = schema.get("items");
            array.forEach(item -> pruneNode(items, item));
        }
    }

    private static void pruneObject(JsonNode schema, ObjectNode object, boolean keepTypeMeta) {
        if (schema.path(INT_OR_STRING).asBoolean(false)) {
            return;
        }
        boolean preserve = schema.path(PRESERVE_UNKNOWN_FIELDS).asBoolean(false);
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (keepTypeMeta && TYPE_META_AND_METADATA.contains(name)) {
                // Metadata is the generic store's business; its schema may only constrain name.
                continue;
            }
            if (properties.has(name)) {
                pruneNode(properties.get(name), field.getValue());
            } else if (additional.isObject()) {
                pruneNode(additional, field.getValue());
            } else if (!preserve && !additional.asBoolean(false)) {
                it.remove();
            }
        }
    }

    // ---------------------------------------------------------------- defaulting

    private static void defaultNode(JsonNode schema, JsonNode value, boolean root) {
        if (value instanceof ObjectNode object) {
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String name = property.getKey();
                if (root && name.equals("metadata")) {
                    continue;
                }
                JsonNode propertySchema = property.getValue();
                JsonNode current = object.get(name);
                boolean absent = current == null
                        || (current.isNull() && !propertySchema.path("nullable").asBoolean(false));
                if (absent && propertySchema.has("default")) {
                    object.set(name, propertySchema.get("default").deepCopy());
                }
                JsonNode after = object.get(name);
                if (after != null) {
                    defaultNode(propertySchema, after, false);
                }
            }
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!properties.has(field.getKey())) {
                        defaultNode(additional, field.getValue(), false);
                    }
                }
            }
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            JsonNode items = schema.get("items");
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isNull() && items.has("default") && !items.path("nullable").asBoolean(false)) {
                    array.set(i, items.get("default").deepCopy());
                }
                defaultNode(items, array.get(i), false);
            }
        }
    }

    // ---------------------------------------------------------------- helpers for the validator

    /** The schema of a top-level property ({@code spec}, {@code status}), if declared. */
    public Optional<JsonNode> property(String name) {
        return Optional.ofNullable(root.path("properties").get(name));
    }

    static List<String> requiredNames(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("required").forEach(name -> names.add(name.asText()));
        return names;
    }
}
