package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A printer made of its columns and a row function; most built-in kinds are one of these.
 * Checks that the function yields one cell per column, so a mistake in a printer fails its
 * tests rather than shifting kubectl's columns.
 */
record KindPrinter(List<Column> columns, RowFunction rows) implements TablePrinter {
    KindPrinter {
        columns = List.copyOf(columns);
        Objects.requireNonNull(rows, "rows");
    }

    /** Computes one object's row. */
    @FunctionalInterface
    interface RowFunction {
        Row row(JsonNode object, Instant now);
    }

    /** A printer whose rows have only cells. */
    static KindPrinter cells(List<Column> columns, CellFunction cells) {
        return new KindPrinter(columns, (object, now) -> new Row(cells.cells(object, now)));
    }

    /** Computes one object's cells. */
    @FunctionalInterface
    interface CellFunction {
        List<JsonNode> cells(JsonNode object, Instant now);
    }

    @Override
    public Row row(JsonNode object, Instant now) {
        Row row = rows.row(object, now);
        if (row.cells().size() != columns.size()) {
            throw new IllegalStateException("printer produced " + row.cells().size() + " cells for "
                    + columns.size() + " columns");
        }
        return row;
    }
}
