package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns a custom resource's structural v3 schema into what upstream publishes for it in Swagger
 * 2.0, which cannot say everything v3 can: {@code nullable} goes (and with it the type of a
 * nullable node, which v2 could not let be null), as do {@code oneOf}, {@code anyOf},
 * {@code allOf} and {@code not} below the root; an {@code x-kubernetes-int-or-string} node loses
 * its type; a node preserving unknown fields loses its type and properties, so that client-side
 * validation against v2 (kubectl's, for {@code kind: List} documents) accepts what the server
 * keeps.
 */
final class CustomResourceSchemasV2 {
    private static final List<String> DROPPED = List.of("oneOf", "anyOf", "allOf", "not", "nullable");

    private CustomResourceSchemasV2() {
    }

    static ObjectNode convert(ObjectNode schema) {
        ObjectNode copy = schema.deepCopy();
        // The root's metadata is a reference to ObjectMeta written by the renderer: leave it.
        convertNode(copy, true);
        return copy;
    }

    private static void convertNode(ObjectNode node, boolean root) {
        boolean nullable = node.path("nullable").asBoolean(false);
        if (!root) {
            DROPPED.forEach(node::remove);
        } else {
            node.remove("nullable");
        }
        if (nullable || node.path(StructuralSchemaNames.INT_OR_STRING).asBoolean(false)) {
            node.remove("type");
        }
        if (!root && node.path(StructuralSchemaNames.PRESERVE_UNKNOWN_FIELDS).asBoolean(false)) {
            node.remove("type");
            node.remove("properties");
            node.remove("additionalProperties");
            node.remove("items");
        }
        JsonNode properties = node.get("properties");
        if (properties instanceof ObjectNode object) {
            object.properties().forEach(entry -> {
                if (entry.getValue() instanceof ObjectNode child && !(root && entry.getKey().equals("metadata"))) {
                    convertNode(child, false);
                }
            });
        }
        if (node.get("items") instanceof ObjectNode items) {
            convertNode(items, false);
        }
        if (node.get("additionalProperties") instanceof ObjectNode additional) {
            convertNode(additional, false);
        }
    }

    /** The extension names of structural schemas. */
    static final class StructuralSchemaNames {
        static final String PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";
        static final String INT_OR_STRING = "x-kubernetes-int-or-string";

        private StructuralSchemaNames() {
        }
    }
}
