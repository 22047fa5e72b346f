package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Crafted objects and the cells printers make of them, against a pinned clock. */
final class PrinterTestSupport {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private PrinterTestSupport() {
    }

    /** Parses JSON written with single quotes, which keeps crafted objects readable. */
    static ObjectNode json(String singleQuoted) {
        return Json.parseObject(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    /** The cells as plain Java values: strings, longs, booleans, null. */
    static List<Object> cells(TablePrinter printer, JsonNode object) {
        return printer.row(object, NOW).cells().stream().map(PrinterTestSupport::plain).toList();
    }

    /** The cells of the default (non-wide) columns only, as kubectl shows them without -o wide. */
    static List<Object> narrowCells(TablePrinter printer, JsonNode object) {
        List<Object> all = cells(printer, object);
        List<Column> columns = printer.columns();
        java.util.ArrayList<Object> narrow = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).priority() == 0) {
                narrow.add(all.get(i));
            }
        }
        return narrow;
    }

    private static Object plain(JsonNode cell) {
        if (cell.isNull()) {
            return null;
        }
        if (cell.isIntegralNumber()) {
            return cell.asLong();
        }
        if (cell.isBoolean()) {
            return cell.asBoolean();
        }
        if (cell.isNumber()) {
            return cell.asDouble();
        }
        return cell.asText();
    }

    static TablePrinter printer(String group, String kind) {
        return Printers.builtin().find(group, kind).orElseThrow();
    }
}
