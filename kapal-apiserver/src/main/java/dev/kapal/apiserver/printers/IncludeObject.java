package dev.kapal.apiserver.printers;

import dev.kapal.api.ApiException;
import java.util.Optional;

/** The {@code includeObject} parameter of Table requests: what each row's {@code object} carries. */
public enum IncludeObject {
    /** {@code null}. */
    NONE,
    /** A {@code PartialObjectMetadata} with the object's metadata; the default. */
    METADATA,
    /** The whole object in the served version (kubectl asks for it with {@code --sort-by}). */
    OBJECT;

    /** Parses the parameter as upstream does; an unknown value is a 400. */
    public static IncludeObject parse(Optional<String> value) {
        return switch (value.orElse("")) {
            case "None" -> NONE;
            case "Metadata", "" -> METADATA;
            case "Object" -> OBJECT;
            default -> throw ApiException.badRequest("unrecognized includeObject value: \"" + value.get() + "\"");
        };
    }
}
