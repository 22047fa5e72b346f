package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * Prints objects of one kind as table rows.
 *
 * <p>Contract: {@link #row} returns exactly one cell per column of {@link #columns()}, wide
 * columns included (upstream's server always prints wide; kubectl filters by priority). It
 * must not modify the object, must not fail on objects missing optional fields (status of a
 * just-created object, say), and computes ages against {@code now} so tests can pin the clock.
 * Implementations are stateless and thread-safe.
 */
public interface TablePrinter {

    /** The column definitions, in cell order. */
    List<Column> columns();

    /** The row of one object (a JSON object in the served version). */
    Row row(JsonNode object, Instant now);
}
