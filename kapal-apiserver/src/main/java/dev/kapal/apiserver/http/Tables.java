package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.apiserver.printers.HasTablePrinter;
import dev.kapal.apiserver.printers.IncludeObject;
import dev.kapal.apiserver.printers.Printers;
import dev.kapal.apiserver.printers.TableDocument;
import dev.kapal.apiserver.printers.TablePrinter;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.time.Instant;
import java.util.List;

/**
 * Server-side printing ({@code as=Table}): picks the printer of a resource — its strategy's own
 * (custom resources), the built-in printer of its group and kind, or upstream's default — and
 * renders tables with {@link TableDocument}.
 */
final class Tables {
    private Tables() {
    }

    static TablePrinter printer(ResourceDefinition definition) {
        if (definition.strategy() instanceof HasTablePrinter own) {
            return own.tablePrinter();
        }
        return Printers.builtin().forKind(definition.info().groupVersion().group(), definition.info().kind());
    }

    /** The {@code includeObject} parameter of a request. */
    static IncludeObject includeObject(Exchange exchange) {
        return IncludeObject.parse(exchange.query("includeObject"));
    }

    /**
     * The table in {@code apiVersion} ({@code meta.k8s.io/v1} or {@code v1beta1}): the two
     * versions have the same fields, so only the version strings change (the table's and those
     * of its PartialObjectMetadata rows).
     */
    static ObjectNode inVersion(ObjectNode table, String apiVersion) {
        if (apiVersion.equals(TableDocument.API_VERSION)) {
            return table;
        }
        table.put("apiVersion", apiVersion);
        for (com.fasterxml.jackson.databind.JsonNode row : table.path("rows")) {
            com.fasterxml.jackson.databind.JsonNode object = row.path("object");
            if (object instanceof ObjectNode partial && "PartialObjectMetadata".equals(partial.path("kind").asText())) {
                partial.put("apiVersion", apiVersion);
            }
        }
        return table;
    }

    /** A table of one object (get, create, update, patch). */
    static ObjectNode forObject(ResourceDefinition definition, ObjectNode object, IncludeObject include) {
        return TableDocument.render(printer(definition), List.of(object), TableDocument.ListMeta.ofObject(object),
                include, true, Instant.now());
    }

    /** A table of a list page. */
    static ObjectNode forList(ResourceDefinition definition, List<ObjectNode> objects, TableDocument.ListMeta listMeta,
                              IncludeObject include) {
        return TableDocument.render(printer(definition), objects, listMeta, include, true, Instant.now());
    }

    /**
     * Encodes the objects of one watch stream as one-row tables. Only the first table carries the
     * column definitions, as upstream's watch encoder does; kubectl reuses the last ones it saw.
     * Not thread-safe: one per stream.
     */
    static final class WatchTables {
        private final TablePrinter printer;
        private final IncludeObject include;
        private final String apiVersion;
        private boolean headersSent;

        WatchTables(ResourceDefinition definition, IncludeObject include) {
            this(definition, include, TableDocument.API_VERSION);
        }

        WatchTables(ResourceDefinition definition, IncludeObject include, String apiVersion) {
            this.printer = printer(definition);
            this.include = include;
            this.apiVersion = apiVersion;
        }

        byte[] encode(ObjectNode object) {
            ObjectNode table = TableDocument.render(printer, List.of(object), TableDocument.ListMeta.ofObject(object),
                    include, !headersSent, Instant.now());
            headersSent = true;
            return Json.write(inVersion(table, apiVersion));
        }
    }
}
