package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The printed cells of one object, one per column of its printer, plus row conditions.
 * Cells are JSON values: strings, integers, numbers, booleans, or {@code null} for "no value"
 * (kubectl prints {@code <none>} for those only in custom-resource columns).
 */
public record Row(List<JsonNode> cells, List<RowCondition> conditions) {
    public Row {
        cells = List.copyOf(cells);
        conditions = List.copyOf(conditions);
    }

    public Row(List<JsonNode> cells) {
        this(cells, List.of());
    }
}
