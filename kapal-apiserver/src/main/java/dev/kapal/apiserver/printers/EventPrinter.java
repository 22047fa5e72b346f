package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.integer;
import static dev.kapal.apiserver.printers.Cells.present;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Events of both APIs ({@code v1} and {@code events.k8s.io/v1}): upstream prints both from the
 * same internal type, so the {@code events.k8s.io} fields are read under their v1 meaning
 * ({@code note} is the message, {@code regarding} the involved object, {@code deprecated*} the
 * old timestamps and count).
 */
final class EventPrinter implements TablePrinter {
    static final EventPrinter INSTANCE = new EventPrinter();

    private static final List<Column> COLUMNS = List.of(
            Column.text("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
            Column.text("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
            Column.text("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            Column.text("Object", "The object that this event is about."),
            Column.text("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.").wide(),
            Column.text("Source", "The component reporting this event. Should be a short machine understandable string.").wide(),
            Column.text("Message", "A human-readable description of the status of this operation."),
            Column.text("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)").wide(),
            Column.text("Count", "The number of times this event has occurred.").wide(),
            new Column("Name", "string", "name", Descriptions.NAME, 1));

    private EventPrinter() {
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(JsonNode event, Instant now) {
        boolean v1 = !string(event, "apiVersion").startsWith("events.k8s.io/");
        String firstTimestampField = v1 ? "firstTimestamp" : "deprecatedFirstTimestamp";
        String lastTimestampField = v1 ? "lastTimestamp" : "deprecatedLastTimestamp";
        JsonNode involved = event.path(v1 ? "involvedObject" : "regarding");
        JsonNode source = event.path(v1 ? "source" : "deprecatedSource");

        String firstTimestamp = string(event, firstTimestampField).isEmpty()
                ? Durations.since(string(event, "eventTime"), now)
                : Durations.since(string(event, firstTimestampField), now);
        String lastTimestamp = string(event, lastTimestampField).isEmpty()
                ? firstTimestamp
                : Durations.since(string(event, lastTimestampField), now);
        long count = Cells.number(event, v1 ? "count" : "deprecatedCount");
        if (present(event, "series")) {
            lastTimestamp = Durations.since(string(event, "series", "lastObservedTime"), now);
            count = Cells.number(event, "series", "count");
        } else if (count == 0) {
            // Singleton events of the new API carry no count.
            count = 1;
        }
        String kind = string(involved, "kind").toLowerCase(Locale.ROOT);
        String target = string(involved, "name").isEmpty() ? kind : kind + "/" + string(involved, "name");
        // The same field is reportingComponent in v1 and reportingController in events.k8s.io.
        String component = firstNonEmpty(string(source, "component"),
                string(event, v1 ? "reportingComponent" : "reportingController"));
        String instance = firstNonEmpty(string(source, "host"), string(event, "reportingInstance"));
        String sourceText = instance.isEmpty() ? component : component + ", " + instance;
        return new Row(List.of(
                text(lastTimestamp),
                text(string(event, "type")),
                text(string(event, "reason")),
                text(target),
                text(string(involved, "fieldPath")),
                text(sourceText),
                text(string(event, v1 ? "message" : "note").strip()),
                text(firstTimestamp),
                integer(count),
                text(Cells.name(event))));
    }

    private static String firstNonEmpty(String first, String second) {
        return first.isEmpty() ? second : first;
    }
}
