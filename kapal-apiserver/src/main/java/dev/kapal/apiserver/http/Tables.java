package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** A table of one object (get, create, update, patch). */
    static ObjectNode forObject(ResourceDefinition definition, ObjectNode object, IncludeObject include) {
        return TableDocument.render(printer(definition), List.of(object), TableDocument.ListMeta.ofObject(object),
                include, true, Instant.now());
    }

    /** The former entry point, until the resource handler passes includeObject. */
    static ObjectNode forObjects(ResourceDefinition definition, List<ObjectNode> objects,
                                 java.util.Optional<dev.kapal.apiserver.registry.ResourceStore.ListPage> page) {
        TableDocument.ListMeta listMeta = page.map(p -> new TableDocument.ListMeta(Long.toString(p.revision()),
                p.continueToken(), p.remainingItemCount())).orElseGet(() -> TableDocument.ListMeta.ofObject(objects.get(0)));
        return TableDocument.render(printer(definition), objects, listMeta, IncludeObject.METADATA, true, Instant.now());
    }

    /** A table of a list page. */
    static ObjectNode forList(ResourceDefinition definition, List<ObjectNode> objects, TableDocument.ListMeta listMeta,
                              IncludeObject include) {
        return TableDocument.render(printer(definition), objects, listMeta, include, true, Instant.now());
    }
}
