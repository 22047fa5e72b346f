package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Custom resources: Name, then the {@code additionalPrinterColumns} of the served CRD version,
 * each a JSONPath into the object; without any, upstream's default of one Age column of type
 * {@code date} on {@code .metadata.creationTimestamp}. Cells follow upstream's CRD table
 * convertor: {@code string} columns print the value as Go's JSONPath printer does, other types
 * pass through when the JSON value has that type and are {@code null} otherwise, and
 * {@code date} columns become ages.
 */
public final class CustomResourcePrinter implements TablePrinter {
    private static final String DEFAULT_COLUMN_DESCRIPTION_PREFIX = "Custom resource definition column (in JSONPath format): ";

    private final List<Column> columns;
    private final List<JsonPath> paths;

    private CustomResourcePrinter(List<Column> columns, List<JsonPath> paths) {
        this.columns = List.copyOf(columns);
        this.paths = List.copyOf(paths);
    }

    /**
     * The printer of one CRD version.
     *
     * @param additionalPrinterColumns the version's {@code additionalPrinterColumns} (missing or empty for none)
     * @return empty when a column's JSONPath cannot be parsed, where upstream falls back to its default table
     */
    public static Optional<CustomResourcePrinter> of(JsonNode additionalPrinterColumns) {
        List<Column> columns = new ArrayList<>();
        List<JsonPath> paths = new ArrayList<>();
        columns.add(Column.objectName());
        if (!additionalPrinterColumns.isArray() || additionalPrinterColumns.isEmpty()) {
            columns.add(new Column("Age", "date", "", Descriptions.CREATION_TIMESTAMP, 0));
            paths.add(JsonPath.parse(".metadata.creationTimestamp").orElseThrow());
            return Optional.of(new CustomResourcePrinter(columns, paths));
        }
        for (JsonNode column : additionalPrinterColumns) {
            String jsonPath = Cells.string(column, "jsonPath");
            Optional<JsonPath> path = JsonPath.parse(jsonPath);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            paths.add(path.get());
            String description = Cells.string(column, "description");
            columns.add(new Column(Cells.string(column, "name"), Cells.string(column, "type"), Cells.string(column, "format"),
                    description.isEmpty() ? DEFAULT_COLUMN_DESCRIPTION_PREFIX + jsonPath : description,
                    (int) Cells.number(column, "priority")));
        }
        return Optional.of(new CustomResourcePrinter(columns, paths));
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public Row row(JsonNode object, Instant now) {
        List<JsonNode> cells = new ArrayList<>();
        cells.add(Cells.text(Cells.name(object)));
        for (int i = 0; i < paths.size(); i++) {
            List<JsonNode> results = paths.get(i).evaluate(object);
            if (results.isEmpty()) {
                cells.add(Cells.none());
                continue;
            }
            cells.add(cell(columns.get(i + 1).type(), results.get(0), now));
        }
        return new Row(cells);
    }

    private static JsonNode cell(String type, JsonNode value, Instant now) {
        if (value.isNull()) {
            return Cells.none();
        }
        return switch (type) {
            case "string" -> Cells.text(goText(value));
            case "integer" -> value.isNumber() ? Cells.integer(value.asLong()) : Cells.none();
            case "number" -> value.isNumber() ? value : Cells.none();
            case "boolean" -> value.isBoolean() ? value : Cells.none();
            case "date" -> {
                if (!value.isTextual()) {
                    yield Cells.none();
                }
                yield Durations.parse(value.asText()).map(time -> Cells.text(Durations.since(value.asText(), now)))
                        .orElse(Cells.text("<invalid>"));
            }
            default -> Cells.none();
        };
    }

    /** How Go's JSONPath printer writes a decoded JSON value ({@code fmt.Fprint}). */
    static String goText(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isIntegralNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isNumber()) {
            double number = value.asDouble();
            if (number == Math.rint(number) && Math.abs(number) < 1e21) {
                return Long.toString((long) number);
            }
            return Double.toString(number).replace("E", "e+").replace("e+-", "e-");
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(goText(item)));
            return "[" + String.join(" ", items) + "]";
        }
        if (value.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            value.properties().forEach(entry -> sorted.put(entry.getKey(), goText(entry.getValue())));
            List<String> entries = new ArrayList<>();
            sorted.forEach((key, item) -> entries.add(key + ":" + item));
            return "map[" + String.join(" ", entries) + "]";
        }
        return "<nil>";
    }
}
