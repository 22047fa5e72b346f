package dev.kapal.apiserver.printers;

import java.util.Objects;

/**
 * One {@code TableColumnDefinition}. Upstream always sends every column, wide ones included;
 * kubectl hides those with a non-zero priority unless asked for {@code -o wide}.
 *
 * @param name        the column title; kubectl upper-cases it
 * @param type        an OpenAPI type: {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code date}
 * @param format      a hint such as {@code name} (kubectl prefixes that column with the kind when printing several kinds)
 * @param description what the column shows, as upstream publishes it
 * @param priority    0 for default columns, 1 for {@code -o wide} columns
 */
public record Column(String name, String type, String format, String description, int priority) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(description, "description");
    }

    /** The Name column every upstream printer starts with. */
    public static Column objectName() {
        return new Column("Name", "string", "name", Descriptions.NAME, 0);
    }

    /** The Age column: a string cell with the human duration since creation. */
    public static Column age() {
        return text("Age", Descriptions.CREATION_TIMESTAMP);
    }

    public static Column text(String name, String description) {
        return new Column(name, "string", "", description, 0);
    }

    public static Column integer(String name, String description) {
        return new Column(name, "integer", "", description, 0);
    }

    public static Column bool(String name, String description) {
        return new Column(name, "boolean", "", description, 0);
    }

    /** The same column shown only with {@code -o wide}. */
    public Column wide() {
        return new Column(name, type, format, description, 1);
    }
}
