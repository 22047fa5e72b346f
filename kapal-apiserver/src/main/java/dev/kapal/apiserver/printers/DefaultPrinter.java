package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Upstream's default table convertor, for kinds without a printer of their own (roles, CRDs,
 * limit ranges...): Name and Created At, the latter an RFC 3339 timestamp in UTC (not an age).
 */
final class DefaultPrinter implements TablePrinter {
    static final DefaultPrinter INSTANCE = new DefaultPrinter();

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            new Column("Created At", "date", "", Descriptions.CREATION_TIMESTAMP, 0));

    private DefaultPrinter() {
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(JsonNode object, Instant now) {
        // A zero time formats as Go's zero date, which is what upstream prints for objects without one.
        String created = Durations.parse(Cells.string(object, "metadata", "creationTimestamp"))
                .map(time -> DateTimeFormatter.ISO_INSTANT.format(time.atOffset(ZoneOffset.UTC).withNano(0).toInstant()))
                .orElse("0001-01-01T00:00:00Z");
        return new Row(List.of(Cells.text(Cells.name(object)), Cells.text(created)));
    }
}
