package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.openapi.FieldSchema;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Server-side field validation of create, update and patch: the {@code fieldValidation} query
 * parameter decides what unknown fields (those the kind's schema does not list, see
 * {@link FieldSchema}) and duplicate fields (a JSON object repeating a name) do.
 *
 * <ul>
 *   <li>{@link #STRICT}: a 400 {@code BadRequest}, {@code <Kind> in version "<v>" cannot be handled as a <Kind>:
 *       strict decoding error: unknown field "spec.foo", duplicate field "spec.replicas"}.</li>
 *   <li>{@link #WARN} (the default, as upstream's since 1.27): the request goes on without the unknown
 *       fields and with the last of the repeated values; each one becomes a {@code Warning} header
 *       ({@code 299 - "unknown field \"spec.foo\""}), which kubectl prints as {@code Warning: ...}.</li>
 *   <li>{@link #IGNORE}: the same, silently.</li>
 * </ul>
 * Unknown fields are dropped in every mode, as upstream's decoder drops them.
 */
enum FieldValidation {
    IGNORE("Ignore"),
    WARN("Warn"),
    STRICT("Strict");

    private final String wireName;

    FieldValidation(String wireName) {
        this.wireName = wireName;
    }

    /** The request's mode; an unsupported value is a 400, as upstream validates its options. */
    static FieldValidation of(Exchange exchange) {
        Optional<String> value = exchange.query("fieldValidation");
        if (value.isEmpty() || value.get().isEmpty()) {
            return WARN;
        }
        for (FieldValidation mode : values()) {
            if (mode.wireName.equals(value.get())) {
                return mode;
            }
        }
        throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + value.get()
                + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    }

    /**
     * Checks (and prunes) {@code object}, a request body or a patch's result, given the fields its
     * body repeated; answers per this mode.
     *
     * @throws ApiException 400 under {@link #STRICT} when any field is unknown or repeated
     */
    ObjectNode check(ObjectNode object, List<String> duplicates, ResourceDefinition definition, Exchange exchange) {
        List<String> problems = new ArrayList<>();
        FieldSchema.of(definition).ifPresent(schema ->
                schema.unknownFields(object, true).forEach(path -> problems.add("unknown field \"" + path + "\"")));
        duplicates.forEach(path -> problems.add("duplicate field \"" + path + "\""));
        if (problems.isEmpty()) {
            return object;
        }
        switch (this) {
            case STRICT -> {
                ResourceInfo info = definition.info();
                throw ApiException.badRequest(info.kind() + " in version \"" + info.groupVersion().version()
                        + "\" cannot be handled as a " + info.kind() + ": strict decoding error: "
                        + problems.stream().collect(Collectors.joining(", ")));
            }
            case WARN -> problems.forEach(exchange::addWarning);
            case IGNORE -> {
            }
        }
        return object;
    }
}
