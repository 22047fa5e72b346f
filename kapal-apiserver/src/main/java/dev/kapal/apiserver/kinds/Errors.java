package dev.kapal.apiserver.kinds;

import dev.kapal.api.StatusCause;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects field causes during validation. Paths are written as upstream renders them
 * ({@code spec.containers[0].name}, {@code data[key]}); the helpers keep the messages upstream's.
 */
final class Errors {
    /** Upstream's message for changes to immutable fields. */
    static final String IMMUTABLE = "field is immutable";

    private final List<StatusCause> causes = new ArrayList<>();

    void add(StatusCause cause) {
        causes.add(cause);
    }

    void required(String field) {
        causes.add(StatusCause.required(field));
    }

    /** {@code Required value: <detail>}, upstream's field.Required with a detail. */
    void required(String field, String detail) {
        causes.add(new StatusCause("FieldValueRequired", "Required value: " + detail, field));
    }

    void invalid(String field, Object value, String detail) {
        causes.add(StatusCause.invalid(field, value, detail));
    }

    /** One cause per message, as upstream turns each validation message into its own error. */
    void invalidEach(String field, Object value, List<String> messages) {
        messages.forEach(message -> invalid(field, value, message));
    }

    void forbidden(String field, String detail) {
        causes.add(StatusCause.forbidden(field, detail));
    }

    void duplicate(String field, Object value) {
        causes.add(StatusCause.duplicate(field, value));
    }

    void notSupported(String field, Object value, List<String> supported) {
        causes.add(StatusCause.notSupported(field, value, supported));
    }

    /** Checks a string against a closed set, as upstream's {@code NotSupported}; empty is skipped. */
    void oneOf(String field, String value, List<String> supported) {
        if (!value.isEmpty() && !supported.contains(value)) {
            notSupported(field, value, supported);
        }
    }

    List<StatusCause> causes() {
        return List.copyOf(causes);
    }

    boolean isEmpty() {
        return causes.isEmpty();
    }
}
