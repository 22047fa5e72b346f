package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes {@code meta.k8s.io/v1 Table} documents, field for field as upstream encodes them:
 * {@code metadata} (list metadata), {@code columnDefinitions} (or {@code null} when headers are
 * left out, as on every watch event after the first), and {@code rows} with {@code cells},
 * {@code conditions} when there are any, and {@code object} as asked by {@link IncludeObject}.
 */
public final class TableDocument {
    /** The group-version of the tables written. */
    public static final String API_VERSION = "meta.k8s.io/v1";

    private TableDocument() {
    }

    /**
     * The list metadata of a table: the resourceVersion of the list (or of the single object
     * printed), and the paging fields of a list page.
     */
    public record ListMeta(String resourceVersion, Optional<String> continueToken, OptionalLong remainingItemCount) {
        public ListMeta {
            Objects.requireNonNull(resourceVersion, "resourceVersion");
            Objects.requireNonNull(continueToken, "continueToken");
            Objects.requireNonNull(remainingItemCount, "remainingItemCount");
        }

        /** The metadata of a table of one object: upstream copies the object's resourceVersion. */
        public static ListMeta ofObject(JsonNode object) {
            return new ListMeta(Cells.string(object, "metadata", "resourceVersion"), Optional.empty(), OptionalLong.empty());
        }
    }

    /**
     * Renders a table.
     *
     * @param objects the objects in the served version; read, never modified
     * @param headers whether to include the column definitions
     */
    public static ObjectNode render(TablePrinter printer, List<? extends JsonNode> objects, ListMeta listMeta,
                                    IncludeObject include, boolean headers, Instant now) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", API_VERSION);
        ObjectNode metadata = table.putObject("metadata");
        if (!listMeta.resourceVersion().isEmpty()) {
            metadata.put("resourceVersion", listMeta.resourceVersion());
        }
        listMeta.continueToken().ifPresent(token -> metadata.put("continue", token));
        listMeta.remainingItemCount().ifPresent(count -> metadata.put("remainingItemCount", count));
        if (headers) {
            ArrayNode columns = table.putArray("columnDefinitions");
            for (Column column : printer.columns()) {
                ObjectNode definition = columns.addObject();
                definition.put("name", column.name());
                definition.put("type", column.type());
                definition.put("format", column.format());
                definition.put("description", column.description());
                definition.put("priority", column.priority());
            }
        } else {
            table.putNull("columnDefinitions");
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            Row row = printer.row(object, now);
            ObjectNode rowNode = rows.addObject();
            ArrayNode cells = rowNode.putArray("cells");
            row.cells().forEach(cells::add);
            if (!row.conditions().isEmpty()) {
                ArrayNode conditions = rowNode.putArray("conditions");
                for (RowCondition condition : row.conditions()) {
                    ObjectNode node = conditions.addObject();
                    node.put("type", condition.type());
                    node.put("status", condition.status());
                    node.put("reason", condition.reason());
                    node.put("message", condition.message());
                }
            }
            switch (include) {
                case NONE -> rowNode.putNull("object");
                case METADATA -> {
                    ObjectNode partial = rowNode.putObject("object");
                    partial.put("kind", "PartialObjectMetadata");
                    partial.put("apiVersion", API_VERSION);
                    partial.set("metadata", object.path("metadata").isObject() ? object.get("metadata").deepCopy() : Json.object());
                }
                case OBJECT -> rowNode.set("object", object.deepCopy());
            }
        }
        return table;
    }
}
