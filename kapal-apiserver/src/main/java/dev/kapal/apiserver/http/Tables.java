package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceStore;
import java.util.List;
import java.util.Optional;

/**
 * Server-side printing ({@code as=Table}). Until kinds bring their own columns, every kind
 * prints as upstream's default table convertor does: Name and Created At.
 */
final class Tables {
    private Tables() {
    }

    static ObjectNode forObjects(ResourceDefinition definition, List<ObjectNode> objects, Optional<ResourceStore.ListPage> page) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        page.ifPresent(p -> {
            metadata.put("resourceVersion", Long.toString(p.revision()));
            p.continueToken().ifPresent(token -> metadata.put("continue", token));
            p.remainingItemCount().ifPresent(count -> metadata.put("remainingItemCount", count));
        });
        ArrayNode columns = table.putArray("columnDefinitions");
        column(columns, "Name", "string", "name",
                "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");
        column(columns, "Created At", "date", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            JsonNode objectMeta = object.path("metadata");
            cells.add(objectMeta.path("name").asText());
            cells.add(objectMeta.path("creationTimestamp").asText());
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata");
            partial.put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", objectMeta.deepCopy());
        }
        return table;
    }

    private static void column(ArrayNode columns, String name, String type, String format, String description) {
        ObjectNode column = columns.addObject();
        column.put("name", name);
        column.put("type", type);
        column.put("format", format);
        column.put("description", description);
        column.put("priority", 0);
    }
}
